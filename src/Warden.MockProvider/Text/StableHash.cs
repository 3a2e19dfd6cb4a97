namespace Warden.MockProvider.Text;

/// <summary>
/// A hash that is the same on every machine and every run (unlike <see cref="string.GetHashCode()"/>), so the mock's
/// answers can be derived from the request text and stay identical across restarts.
/// </summary>
internal static class StableHash
{
    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    /// <summary>64-bit FNV-1a over the UTF-16 code units of <paramref name="text"/>.</summary>
    public static ulong Of(ReadOnlySpan<char> text, ulong seed = FnvOffset)
    {
        var hash = seed;
        foreach (var c in text)
        {
            hash ^= (byte)c;
            hash *= FnvPrime;
            hash ^= (byte)(c >> 8);
            hash *= FnvPrime;
        }

        return hash;
    }

    /// <summary>Derives an independent seed from <paramref name="seed"/> and a small discriminator (choice index, …).</summary>
    public static ulong Mix(ulong seed, ulong value) => new SplitMix64(seed ^ (value * 0x9E3779B97F4A7C15)).Next();
}
