using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Warden.ControlPlane.Audit;
using Warden.Storage;
using Warden.Storage.Backup;
using Warden.Storage.Entities;
using Warden.Testing;
using Warden.Tests.Reconcile;

namespace Warden.Tests.Backup;

/// <summary>
/// A backup location for the end-to-end tests. The tests take the location kind as a parameter, so another kind
/// (an S3 bucket) is one more case here, not new tests.
/// </summary>
internal sealed class BackupTestLocation : IAsyncDisposable
{
    private static readonly Lock s_environmentLock = new();
    private readonly string? _folder;
    private readonly S3TestBucket? _bucket;

    private BackupTestLocation(string location, string? folder, S3TestBucket? bucket = null)
    {
        Location = location;
        _folder = folder;
        _bucket = bucket;
    }

    /// <summary>The location kinds the theories run over: a local folder and a bucket on the real S3-compatible server.</summary>
    public static TheoryData<string> Kinds => new() { "folder", "s3" };

    /// <summary>The kinds crossed with the database kinds.</summary>
    public static TheoryData<string, string> KindsAndDatabases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var kind in new[] { "folder", "s3" })
            {
                data.Add(kind, "postgres");
                data.Add(kind, "sqlite");
            }

            return data;
        }
    }

    /// <summary>What <c>--to/--from/--location</c> receives.</summary>
    public string Location { get; }

    public static BackupTestLocation Create(string kind) => kind switch
    {
        "folder" => FromFolder(Directory.CreateTempSubdirectory("warden-backups-").FullName),
        "s3" => FromBucket(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown backup location kind."),
    };

    private static BackupTestLocation FromFolder(string folder) => new("file://" + folder, folder);

    private static BackupTestLocation FromBucket()
    {
        // The warden processes the tests start get the S3 endpoint setting and the standard AWS credential variables,
        // exactly as an operator would provide them (the same values for every test).
        lock (s_environmentLock)
        {
            BackupCli.Environment["WARDEN__Backup__S3__Endpoint"] = TestEnvironment.S3Endpoint;
            BackupCli.Environment["AWS_ACCESS_KEY_ID"] = TestEnvironment.S3AccessKey;
            BackupCli.Environment["AWS_SECRET_ACCESS_KEY"] = TestEnvironment.S3SecretKey;
        }

        var bucket = new S3TestBucket();
        bucket.InitializeAsync().GetAwaiter().GetResult();
        return new BackupTestLocation($"s3://{bucket.Name}/warden/backups", null, bucket);
    }

    /// <summary>The store behind <see cref="Location"/>, for tampering with objects the way a bad disk or bucket would.</summary>
    public IBackupStore OpenStore() => BackupStoreFactory.Open(Location, new S3BackupOptions
    {
        Endpoint = _bucket?.Endpoint,
        AccessKeyId = _bucket?.AccessKey,
        SecretAccessKey = _bucket?.SecretKey,
    });

    public async Task<byte[]> ReadAsync(string name)
    {
        await using var stream = await OpenStore().OpenReadAsync(name, CancellationToken.None);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async Task WriteAsync(string name, byte[] content)
    {
        using var stream = new MemoryStream(content);
        await OpenStore().PutAsync(name, stream, CancellationToken.None);
    }

    public async Task<List<string>> ListAsync(string prefix = "")
    {
        var names = new List<string>();
        await foreach (var name in OpenStore().ListAsync(prefix, CancellationToken.None))
        {
            names.Add(name);
        }

        return names;
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is not null && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        if (_bucket is not null)
        {
            await _bucket.DisposeAsync();
        }
    }
}

/// <summary>A control-plane database (PostgreSQL database on the suite's server, or a SQLite data folder) for the CLI.</summary>
internal sealed class BackupTestDatabase : IAsyncDisposable
{
    private BackupTestDatabase(string kind, StorageOptions storage, string[] flags, string? postgresName, string? dataDir)
    {
        Kind = kind;
        Storage = storage;
        Flags = flags;
        PostgresName = postgresName;
        DataDir = dataDir;
    }

    public string Kind { get; }

    public StorageOptions Storage { get; }

    /// <summary>The CLI's database flags.</summary>
    public string[] Flags { get; }

    public string? PostgresName { get; }

    public string? DataDir { get; }

    /// <summary>A new empty database (PostgreSQL: created on the server; SQLite: a new data folder without a file).</summary>
    public static async Task<BackupTestDatabase> CreateEmptyAsync(string kind)
    {
        if (kind == "sqlite")
        {
            var dataDir = Directory.CreateTempSubdirectory("warden-backup-data-").FullName;
            var file = Path.Combine(dataDir, "warden.db");
            return new BackupTestDatabase(kind, new StorageOptions { Kind = DatabaseKind.Sqlite, ConnectionString = $"Data Source={file};Pooling=False" },
                ["--database-kind", "sqlite", "--data-dir", dataDir], null, dataDir);
        }

        var name = "warden_bk_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresAdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdminConnectionString) { Database = name, Pooling = false }.ConnectionString;
        return new BackupTestDatabase(kind, StorageOptions.ForPostgres(connectionString), ["--connection-string", connectionString], name, null);
    }

    /// <summary>The SQLite database of an existing data folder (not deleted on dispose).</summary>
    public static Task<BackupTestDatabase> ForSqliteDataDirAsync(string dataDir) =>
        Task.FromResult(new BackupTestDatabase("sqlite",
            new StorageOptions { Kind = DatabaseKind.Sqlite, ConnectionString = $"Data Source={Path.Combine(dataDir, "warden.db")};Pooling=False" },
            ["--database-kind", "sqlite", "--data-dir", dataDir], null, null));

    /// <summary>A migrated database with organizations, keys, a revoked key, ledger rows and audit events.</summary>
    public static async Task<BackupTestDatabase> CreateSeededAsync(string kind, int ledgerRows = 300)
    {
        var database = await CreateEmptyAsync(kind);
        await new WardenDatabase(new WardenDbContextFactory(database.Storage)).MigrateAsync();
        var writer = new ConfigWriter(database.Storage);
        await writer.SeedAsync(new Uri("http://127.0.0.1:9/v1"));
        await writer.AddKeyAsync();
        var revoked = await writer.AddKeyAsync();
        await writer.RevokeAsync(revoked);
        await using (var db = writer.Db())
        {
            var start = DateTimeOffset.UtcNow.AddDays(-3);
            for (var i = 0; i < ledgerRows; i++)
            {
                db.UsageRecords.Add(new UsageRecord
                {
                    EventId = Guid.NewGuid(),
                    OccurredAt = start.AddSeconds(i * 37),
                    OrganizationId = writer.OrganizationId,
                    ProjectId = writer.ProjectId,
                    ConsumerId = writer.ConsumerId,
                    LogicalModel = "chat",
                    ProviderName = "mock",
                    UpstreamModel = "gpt-4o-mini",
                    InputTokens = 100 + i,
                    OutputTokens = 20 + (i % 50),
                    CostUsd = 0.000123m * (i + 1),
                    Status = i % 17 == 0 ? "upstream_error" : "ok",
                    LatencyMs = 50 + (i % 400),
                    RequestId = "req_" + i.ToString(CultureInfo.InvariantCulture),
                });
            }

            await db.SaveChangesAsync();
        }

        var contexts = new WardenDbContextFactory(database.Storage);
        for (var i = 0; i < 5; i++)
        {
            await AuditChain.AppendStandaloneAsync(contexts,
                new AuditRecord("admin@acme.test", ["ops"], "acme", "key.create", $"acme/payments/key:{i}", AuditOutcome.Allowed, 201, $"req-{i}", "127.0.0.1"),
                DateTimeOffset.UtcNow, CancellationToken.None);
        }

        return database;
    }

    /// <summary>
    /// Every table's rows, rendered and hashed (order-independent), keyed by table. Rows a restore adds (the restore
    /// marker setting and the <c>backup.restore</c> audit event) are left out, so a source and its restored copy compare equal.
    /// </summary>
    public async Task<SortedDictionary<string, (long Rows, string Hash)>> FingerprintAsync()
    {
        await using var db = new WardenDbContextFactory(Storage).CreateDbContext();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = Kind == "postgres"
                ? "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var result = new SortedDictionary<string, (long, string)>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var rows = new List<string>();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var row = RenderRow(reader);
                if (row.Contains(RestoreMarker.SettingKey, StringComparison.Ordinal) || row.Contains("backup.restore", StringComparison.Ordinal))
                {
                    continue;
                }

                rows.Add(row);
            }

            rows.Sort(StringComparer.Ordinal);
            result[table] = (rows.Count, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", rows)))));
        }

        return result;
    }

    public async Task<string?> ReadSettingAsync(string key)
    {
        await using var db = new WardenDbContextFactory(Storage).CreateDbContext();
        return await db.PlatformSettings.Where(s => s.Key == key).Select(s => s.Value).SingleOrDefaultAsync();
    }

    public async Task<List<AuditEvent>> AuditEventsAsync(string action)
    {
        await using var db = new WardenDbContextFactory(Storage).CreateDbContext();
        return await db.AuditEvents.Where(e => e.Action == action).OrderBy(e => e.Id).ToListAsync();
    }

    public async Task<IReadOnlyList<string>> AppliedMigrationsAsync() =>
        await new WardenDatabase(new WardenDbContextFactory(Storage)).GetAppliedMigrationsAsync();

    public async ValueTask DisposeAsync()
    {
        if (PostgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdminConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{PostgresName}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        if (DataDir is not null && Directory.Exists(DataDir))
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(DataDir, recursive: true);
        }
    }

    private static string RenderRow(DbDataReader reader)
    {
        var fields = new string[reader.FieldCount];
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var value = reader.GetValue(i);
            fields[i] = value switch
            {
                DBNull => "∅",
                byte[] bytes => Convert.ToHexString(bytes),
                DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
                DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                Array array => string.Join(",", array.Cast<object>()),
                _ => value.ToString() ?? "",
            };
        }

        return string.Join("|", fields);
    }
}

/// <summary>Runs <c>warden backup …</c> and friends as a real process.</summary>
internal static class BackupCli
{
    /// <summary>Environment of every command run here: the S3 settings once a test uses an S3 location.</summary>
    public static System.Collections.Concurrent.ConcurrentDictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public static async Task<(int ExitCode, string Output)> RunAsync(params IEnumerable<string>[] parts)
    {
        var arguments = parts.SelectMany(p => p).ToList();
        return await WardenProcess.RunAsync(arguments, new Dictionary<string, string?>(Environment), TimeSpan.FromMinutes(5));
    }

    /// <summary>Runs <c>backup create</c>, asserts success and returns the new backup id.</summary>
    public static async Task<string> CreateAsync(BackupTestDatabase database, BackupTestLocation location)
    {
        var (exitCode, output) = await RunAsync(["backup", "create"], database.Flags, ["--to", location.Location]);
        Assert.True(exitCode == 0, output);
        var line = output.Split('\n').First(l => l.StartsWith("Backup ", StringComparison.Ordinal));
        return line.Split(' ')[1];
    }

    public static async Task<BackupManifest> ManifestAsync(BackupTestLocation location, string backupId) =>
        BackupManifest.Parse(await location.ReadAsync(BackupManifest.ManifestName(backupId)), backupId);

    public static JsonElement ParseList(string output)
    {
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }
}
