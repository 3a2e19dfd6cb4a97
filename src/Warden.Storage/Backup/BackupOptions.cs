namespace Warden.Storage.Backup;

/// <summary>The <c>Backup</c> configuration section: where backups go and whether migrations back up first.</summary>
public sealed class BackupOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Backup";

    /// <summary>
    /// Where backups are kept: a folder path, a <c>file://</c> URI, or <c>s3://bucket/prefix</c>. Null when not set
    /// (<c>warden serve</c> defaults it to <c>DATA-DIR/backups</c>).
    /// </summary>
    public string? Location { get; set; }

    /// <summary>
    /// Whether <c>warden migrate</c> and a control plane starting with pending migrations take a backup first (DR-4).
    /// Turning it off is logged as a warning and audited on every upgrade.
    /// </summary>
    public bool BeforeMigrate { get; set; } = true;

    /// <summary>
    /// Folder holding <c>pg_dump</c> and <c>pg_restore</c>. Unset: the first suitable version found on <c>PATH</c> or
    /// under <c>/usr/lib/postgresql/*/bin</c> (highest first).
    /// </summary>
    public string? PostgresBinDir { get; set; }

    /// <summary>Settings of <c>s3://</c> locations (<c>Backup:S3</c>): endpoint, region, path style, credentials.</summary>
    public S3BackupOptions S3 { get; set; } = new();
}
