namespace Warden.Core.Keys;

/// <summary>A newly generated API key: the full key is shown once; only the public id and the hash are stored.</summary>
/// <param name="Key">The full key <c>wdn_&lt;public-id&gt;_&lt;secret&gt;</c>.</param>
/// <param name="PublicId">The public id part.</param>
/// <param name="SecretHash">SHA-256 of the secret part.</param>
public sealed record GeneratedApiKey(string Key, string PublicId, byte[] SecretHash)
{
    /// <summary>Never print the key by accident: the default string form shows the public id only.</summary>
    public override string ToString() => ApiKeyFormat.DisplayPrefix(PublicId) + "_…";
}
