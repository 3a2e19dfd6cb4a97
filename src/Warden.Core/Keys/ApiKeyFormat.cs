using System.Security.Cryptography;

namespace Warden.Core.Keys;

/// <summary>
/// The API key format <c>wdn_&lt;public-id&gt;_&lt;secret&gt;</c>. The public id (12 characters) is stored in clear and
/// indexes the key; only the SHA-256 of the secret (32 characters, ~190 bits) is stored. Both parts use a lower-case
/// alphabet without look-alike characters, so keys survive copy-paste and case-insensitive systems.
/// </summary>
public static class ApiKeyFormat
{
    /// <summary>Prefix of every Warden API key.</summary>
    public const string Prefix = "wdn_";

    /// <summary>Length of the public id part.</summary>
    public const int PublicIdLength = 12;

    /// <summary>Length of the secret part.</summary>
    public const int SecretLength = 32;

    /// <summary>Total length of a well-formed key.</summary>
    public const int KeyLength = 4 + PublicIdLength + 1 + SecretLength;

    /// <summary>Length of the SHA-256 secret hash.</summary>
    public const int HashLength = 32;

    // 32 symbols (5 bits each): digits and lower-case letters minus 0/o/1/l.
    private const string Alphabet = "23456789abcdefghijkmnpqrstuvwxyz";

    /// <summary>Creates a new random key.</summary>
    public static GeneratedApiKey Generate()
    {
        Span<char> key = stackalloc char[KeyLength];
        Prefix.AsSpan().CopyTo(key);
        Fill(key.Slice(4, PublicIdLength));
        key[4 + PublicIdLength] = '_';
        Fill(key.Slice(4 + PublicIdLength + 1, SecretLength));
        var text = new string(key);
        return new GeneratedApiKey(text, text.Substring(4, PublicIdLength), HashSecret(key.Slice(4 + PublicIdLength + 1)));
    }

    /// <summary>
    /// Splits a presented key into public id and secret. Returns false for anything that is not exactly the format;
    /// the caller answers 401 <c>invalid_api_key</c> without a lookup.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> key, out ReadOnlySpan<char> publicId, out ReadOnlySpan<char> secret)
    {
        publicId = default;
        secret = default;
        if (key.Length != KeyLength || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[4 + PublicIdLength] != '_')
        {
            return false;
        }

        var id = key.Slice(4, PublicIdLength);
        var sec = key.Slice(4 + PublicIdLength + 1);
        if (!IsAlphabet(id) || !IsAlphabet(sec))
        {
            return false;
        }

        publicId = id;
        secret = sec;
        return true;
    }

    /// <summary>SHA-256 of the secret's ASCII bytes.</summary>
    public static byte[] HashSecret(ReadOnlySpan<char> secret)
    {
        var hash = new byte[HashLength];
        HashSecret(secret, hash);
        return hash;
    }

    /// <summary>SHA-256 of the secret's ASCII bytes into <paramref name="destination"/> (no allocation).</summary>
    public static void HashSecret(ReadOnlySpan<char> secret, Span<byte> destination)
    {
        Span<byte> ascii = stackalloc byte[SecretLength];
        if (secret.Length > SecretLength)
        {
            throw new ArgumentException("Secret too long.", nameof(secret));
        }

        for (var i = 0; i < secret.Length; i++)
        {
            ascii[i] = (byte)secret[i];
        }

        SHA256.HashData(ascii[..secret.Length], destination);
    }

    /// <summary>Constant-time check that <paramref name="secret"/> hashes to <paramref name="expectedHash"/>.</summary>
    public static bool Verify(ReadOnlySpan<char> secret, ReadOnlySpan<byte> expectedHash)
    {
        Span<byte> actual = stackalloc byte[HashLength];
        HashSecret(secret, actual);
        return CryptographicOperations.FixedTimeEquals(actual, expectedHash);
    }

    /// <summary>The display form of a key: prefix and public id, never the secret (<c>wdn_abcd…</c>).</summary>
    public static string DisplayPrefix(string publicId) => Prefix + publicId;

    private static void Fill(Span<char> destination)
    {
        Span<byte> random = stackalloc byte[destination.Length];
        RandomNumberGenerator.Fill(random);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = Alphabet[random[i] & 31];
        }
    }

    private static bool IsAlphabet(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(s_alphabetValues);

    private static readonly System.Buffers.SearchValues<char> s_alphabetValues = System.Buffers.SearchValues.Create(Alphabet);
}
