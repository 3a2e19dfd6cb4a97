using Warden.Core.Keys;

namespace Warden.Core.Tests.Keys;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void Generate_ProducesParsableKeyWhoseSecretVerifiesAgainstItsHash()
    {
        var generated = ApiKeyFormat.Generate();

        Assert.StartsWith("wdn_", generated.Key, StringComparison.Ordinal);
        Assert.Equal(ApiKeyFormat.KeyLength, generated.Key.Length);
        Assert.True(ApiKeyFormat.TryParse(generated.Key, out var publicId, out var secret));
        Assert.Equal(generated.PublicId, publicId.ToString());
        Assert.True(ApiKeyFormat.Verify(secret, generated.SecretHash));
    }

    [Fact]
    public void Generate_TwoKeys_Differ()
    {
        Assert.NotEqual(ApiKeyFormat.Generate().Key, ApiKeyFormat.Generate().Key);
    }

    [Fact]
    public void Verify_WrongSecret_Fails()
    {
        var generated = ApiKeyFormat.Generate();
        var other = ApiKeyFormat.Generate();
        Assert.True(ApiKeyFormat.TryParse(other.Key, out _, out var otherSecret));

        Assert.False(ApiKeyFormat.Verify(otherSecret, generated.SecretHash));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sk-abc")]
    [InlineData("wdn_")]
    [InlineData("wdn_abcdefghijkm_")]
    [InlineData("WDN_abcdefghijkm_abcdefghijkmnpqrstuvwxyz23456789ab")]
    [InlineData("wdn_abcdefghijkm-abcdefghijkmnpqrstuvwxyz23456789ab")]
    [InlineData("wdn_abcdefghijk0_abcdefghijkmnpqrstuvwxyz23456789ab")]
    [InlineData("wdn_abcdefghijkm_abcdefghijkmnpqrstuvwxyz23456789aB")]
    [InlineData("wdn_abcdefghijkm_abcdefghijkmnpqrstuvwxyz23456789abc")]
    [InlineData("wdn_abcdefghijkm_abcdefghijkmnpqrstuvwxyz23456789a")]
    public void TryParse_Malformed_ReturnsFalse(string key)
    {
        Assert.False(ApiKeyFormat.TryParse(key, out _, out _));
    }

    [Fact]
    public void ToString_NeverRevealsTheSecret()
    {
        var generated = ApiKeyFormat.Generate();
        Assert.True(ApiKeyFormat.TryParse(generated.Key, out _, out var secret));

        Assert.DoesNotContain(secret.ToString(), generated.ToString(), StringComparison.Ordinal);
    }
}
