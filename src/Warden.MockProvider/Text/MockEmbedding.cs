namespace Warden.MockProvider.Text;

/// <summary>
/// Deterministic unit-length embeddings. Each word of the text contributes a pseudo-random vector seeded by the
/// word's hash, so identical texts get identical vectors and texts that share words get close ones (useful for
/// semantic-cache and semantic-guard tests); a text without words uses the hash of the whole text.
/// </summary>
internal static class MockEmbedding
{
    public static float[] Create(string text, int dimensions)
    {
        var sum = new double[dimensions];
        var words = 0;
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                Add(sum, WordSeed(text.AsSpan(start, i - start)));
                words++;
                start = -1;
            }
        }

        if (words == 0)
        {
            Add(sum, StableHash.Of(text));
        }

        var norm = 0.0;
        foreach (var value in sum)
        {
            norm += value * value;
        }

        norm = Math.Sqrt(norm);
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            // A zero sum is practically impossible, but a unit vector is promised: fall back to the first axis.
            vector[i] = norm > 0 ? (float)(sum[i] / norm) : (i == 0 ? 1f : 0f);
        }

        return vector;
    }

    private static ulong WordSeed(ReadOnlySpan<char> word)
    {
        Span<char> lower = word.Length <= 64 ? stackalloc char[word.Length] : new char[word.Length];
        word.ToLowerInvariant(lower);
        return StableHash.Of(lower);
    }

    private static void Add(double[] sum, ulong seed)
    {
        var random = new SplitMix64(seed);
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] += random.NextSigned();
        }
    }
}
