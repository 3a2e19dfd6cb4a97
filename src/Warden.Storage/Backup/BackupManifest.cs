using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Storage.Backup;

/// <summary>
/// What a backup holds, written as <c>&lt;backup-id&gt;/manifest.json</c> after the payload. A backup without a
/// manifest is incomplete. Nothing secret: never a connection string, host or user name.
/// </summary>
public sealed class BackupManifest
{
    /// <summary>The manifest format this build writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Object name of the manifest inside a backup's prefix.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The manifest format version.</summary>
    public int FormatVersion { get; set; } = CurrentFormatVersion;

    /// <summary>The backup id, e.g. <c>20261124T101500Z-ab12cd</c>; also the object prefix.</summary>
    public required string BackupId { get; set; }

    /// <summary>When the backup's snapshot was taken (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The Warden version that wrote it.</summary>
    public required string WardenVersion { get; set; }

    /// <summary>The last applied EF Core migration of the backed-up database (its schema version).</summary>
    public required string SchemaMigration { get; set; }

    /// <summary><c>postgres</c> or <c>sqlite</c>.</summary>
    public required string DatabaseKind { get; set; }

    /// <summary>Object name of the payload relative to the backup's prefix (<c>payload.dump</c> or <c>payload.sqlite</c>).</summary>
    public required string Payload { get; set; }

    /// <summary>Size of the payload in bytes.</summary>
    public long PayloadBytes { get; set; }

    /// <summary>SHA-256 of the payload, lower-case hex.</summary>
    public required string PayloadSha256 { get; set; }

    /// <summary>Rows per table at the backup's snapshot, including <c>__EFMigrationsHistory</c>.</summary>
    public Dictionary<string, long> RowCounts { get; set; } = [];

    /// <summary>The database server version (PostgreSQL), or the SQLite library version.</summary>
    public string? ServerVersion { get; set; }

    /// <summary>The tool that wrote the payload, e.g. <c>pg_dump (PostgreSQL) 15.8</c> or <c>sqlite online backup</c>.</summary>
    public string? Tool { get; set; }

    /// <summary>Object name of the manifest of backup <paramref name="backupId"/>.</summary>
    public static string ManifestName(string backupId) => backupId + "/" + FileName;

    /// <summary>Object name of this backup's payload.</summary>
    public string PayloadName => BackupId + "/" + Payload;

    /// <summary>A new backup id for <paramref name="createdAt"/>: <c>yyyyMMddTHHmmssZ-xxxxxx</c>.</summary>
    public static string NewBackupId(DateTimeOffset createdAt) =>
        createdAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];

    /// <summary>The creation time encoded in a backup id, or null when <paramref name="backupId"/> is not one.</summary>
    public static DateTimeOffset? TimeOfBackupId(string backupId)
    {
        ArgumentNullException.ThrowIfNull(backupId);
        if (backupId.Length < 16)
        {
            return null;
        }

        return DateTimeOffset.TryParseExact(backupId[..16], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
    }

    /// <summary>Serializes to indented UTF-8 JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, BackupJsonContext.Default.BackupManifest);

    /// <summary>Parses a manifest; throws <see cref="BackupFailedException"/> when it is not one this build reads.</summary>
    public static BackupManifest Parse(ReadOnlySpan<byte> json, string source)
    {
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(json, BackupJsonContext.Default.BackupManifest);
        }
        catch (JsonException ex)
        {
            throw new BackupFailedException($"The manifest {source} is not valid JSON: {ex.Message}", ex);
        }

        if (manifest is null)
        {
            throw new BackupFailedException($"The manifest {source} is empty.");
        }

        if (manifest.FormatVersion > CurrentFormatVersion)
        {
            throw new BackupFailedException($"The manifest {source} has format version {manifest.FormatVersion}; this build reads up to {CurrentFormatVersion}. Use a newer warden.");
        }

        return manifest;
    }
}

/// <summary>Source-generated serializer of <see cref="BackupManifest"/> and the list output.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BackupManifest))]
[JsonSerializable(typeof(List<BackupListEntry>))]
public sealed partial class BackupJsonContext : JsonSerializerContext;

/// <summary>One backup as <c>warden backup list --json</c> prints it.</summary>
/// <param name="BackupId">The backup id (object prefix).</param>
/// <param name="Complete">False when the manifest is missing (an interrupted backup).</param>
/// <param name="CreatedAt">Creation time (from the manifest, or from the id when incomplete).</param>
/// <param name="DatabaseKind">postgres or sqlite (null when incomplete).</param>
/// <param name="SchemaMigration">Schema version (null when incomplete).</param>
/// <param name="PayloadBytes">Payload size (null when incomplete).</param>
/// <param name="WardenVersion">The writing Warden version (null when incomplete).</param>
public sealed record BackupListEntry(
    string BackupId,
    bool Complete,
    DateTimeOffset? CreatedAt,
    string? DatabaseKind,
    string? SchemaMigration,
    long? PayloadBytes,
    string? WardenVersion);
