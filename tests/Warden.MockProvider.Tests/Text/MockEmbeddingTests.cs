using Warden.MockProvider.Text;

namespace Warden.MockProvider.Tests.Text;

public sealed class MockEmbeddingTests
{
    [Theory]
    [InlineData("hello world", 8)]
    [InlineData("", 3)]
    [InlineData("!!!", 1)]
    [InlineData("a much longer text about budgets and routes", 1536)]
    public void Create_IsUnitLength(string text, int dimensions)
    {
        var vector = MockEmbedding.Create(text, dimensions);

        Assert.Equal(dimensions, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 5);
    }

    [Fact]
    public void Create_SameText_SameVector()
    {
        Assert.Equal(MockEmbedding.Create("the same text", 64), MockEmbedding.Create("the same text", 64));
    }

    [Fact]
    public void Create_TextsSharingWords_AreCloserThanUnrelatedTexts()
    {
        var question = MockEmbedding.Create("how do I reset my password", 256);
        var similar = MockEmbedding.Create("how do I reset my password please", 256);
        var unrelated = MockEmbedding.Create("weather forecast tomorrow in Bangkok", 256);

        Assert.True(Cosine(question, similar) > 0.8);
        Assert.True(Cosine(question, similar) > Cosine(question, unrelated) + 0.3);
    }

    private static double Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
}
