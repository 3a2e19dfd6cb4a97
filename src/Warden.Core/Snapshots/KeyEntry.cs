namespace Warden.Core.Snapshots;

/// <summary>An API key as the gateway sees it: public id, secret hash, owner, validity.</summary>
/// <param name="Id">Key id (usage records name it).</param>
/// <param name="PublicId">The public id part of the key.</param>
/// <param name="SecretHash">SHA-256 of the secret part.</param>
/// <param name="Consumer">The consumer the key belongs to.</param>
/// <param name="ExpiresAt">Expiry, if any.</param>
/// <param name="RevokedAt">Revocation time, if revoked (kept so the gateway can answer <c>key_revoked</c>).</param>
public sealed record KeyEntry(Guid Id, string PublicId, byte[] SecretHash, ConsumerEntry Consumer, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);
