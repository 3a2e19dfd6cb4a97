namespace Warden.MockProvider.Text;

/// <summary>
/// A tiny deterministic pseudo-random generator (Steele, Lea and Flood's SplitMix64): the same seed always yields the
/// same sequence, which <see cref="Random"/> does not promise across .NET versions.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, <paramref name="bound"/>).</summary>
    public int Next(int bound) => (int)(Next() % (ulong)bound);

    /// <summary>A value in [-1, 1).</summary>
    public double NextSigned() => ((Next() >> 11) * (1.0 / (1UL << 53)) * 2.0) - 1.0;
}
