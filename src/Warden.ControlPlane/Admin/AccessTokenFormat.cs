using System.Security.Cryptography;
using Warden.Core.Keys;

namespace Warden.ControlPlane.Admin;

/// <summary>
/// Admin access tokens: <c>wat_&lt;public-id&gt;_&lt;secret&gt;</c>, the same shape and alphabet as API keys so they are
/// recognisable by prefix (secret scanners, log redaction). Only the SHA-256 of the secret is stored.
/// </summary>
public static class AccessTokenFormat
{
    /// <summary>Prefix of every access token.</summary>
    public const string Prefix = "wat_";

    private const string Alphabet = "23456789abcdefghijkmnpqrstuvwxyz";

    /// <summary>A new token: the text to show once, its public id and the hash to store.</summary>
    public static (string Token, string PublicId, byte[] SecretHash) Generate()
    {
        var publicId = RandomNumberGenerator.GetString(Alphabet, ApiKeyFormat.PublicIdLength);
        var secret = RandomNumberGenerator.GetString(Alphabet, ApiKeyFormat.SecretLength);
        return (Prefix + publicId + "_" + secret, publicId, ApiKeyFormat.HashSecret(secret));
    }

    /// <summary>Splits a presented token; false for anything that is not exactly the format.</summary>
    public static bool TryParse(string token, out string publicId, out string secret)
    {
        publicId = "";
        secret = "";
        var asKey = ApiKeyFormat.Prefix + token.AsSpan(Math.Min(token.Length, Prefix.Length)).ToString();
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || !ApiKeyFormat.TryParse(asKey, out var id, out var sec))
        {
            return false;
        }

        publicId = id.ToString();
        secret = sec.ToString();
        return true;
    }
}
