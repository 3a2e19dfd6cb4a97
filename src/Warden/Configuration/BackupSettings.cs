using Microsoft.Extensions.Configuration;
using Warden.Storage;
using Warden.Storage.Backup;

namespace Warden.Configuration;

/// <summary>Reads the <c>Backup</c> section (<c>Location</c>, <c>BeforeMigrate</c>, <c>PostgresBinDir</c>).</summary>
internal static class BackupSettings
{
    public const string LocationKey = "Backup:Location";
    public const string BeforeMigrateKey = "Backup:BeforeMigrate";
    public const string PostgresBinDirKey = "Backup:PostgresBinDir";

    /// <summary>Binds the section; problems are added to <paramref name="reader"/>.</summary>
    public static BackupOptions Read(IConfiguration configuration, OptionsReader reader)
    {
        var options = reader.Read<BackupOptions>(BackupOptions.Section);
        options.S3 = BackupS3Settings.Read(reader);
        if (options.Location is not null && string.IsNullOrWhiteSpace(options.Location))
        {
            options.Location = null;
        }

        if (options.Location is { } location && location.Contains("://", StringComparison.Ordinal)
            && !location.StartsWith("file://", StringComparison.OrdinalIgnoreCase) && !location.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            reader.AddError($"{LocationKey} = '{location}' is not supported; use a folder path, file:///path or s3://bucket/prefix.");
        }

        return options;
    }

    /// <summary>
    /// An embedded (SQLite) installation backs up next to its database, <c>DATA-DIR/backups</c>, unless
    /// <see cref="BackupOptions.Location"/> says otherwise. PostgreSQL has no default: the location must be configured.
    /// </summary>
    public static void ApplySqliteDefault(BackupOptions options, StorageOptions storage)
    {
        if (options.Location is null && storage.Kind == DatabaseKind.Sqlite && !string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(storage.ConnectionString).DataSource;
            if (!string.IsNullOrEmpty(file) && file != ":memory:" && !file.StartsWith("file:", StringComparison.Ordinal))
            {
                options.Location = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "backups");
            }
        }
    }
}
