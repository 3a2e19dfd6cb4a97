using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Warden.Testing;

/// <summary>
/// A private PostgreSQL cluster owned by one test, for what the suite's shared server cannot do: WAL archiving, base
/// backups and point-in-time recovery. The server binaries refuse to run as root, so <c>initdb</c>, <c>pg_ctl</c> and
/// <c>pg_basebackup</c> run as the <c>postgres</c> user (<c>runuser</c>) when the tests run as root; every folder the
/// server writes belongs to that user. Listens on a loopback port; stopped with <c>pg_ctl</c> and its folder removed on
/// dispose. Binaries come from <c>WARDEN_TEST_PG_BIN</c>.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _root;
    private bool _running;

    private PostgresCluster(string root, string dataDir, int port)
    {
        _root = root;
        DataDir = dataDir;
        Port = port;
    }

    /// <summary>The data directory.</summary>
    public string DataDir { get; }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Connection string of <paramref name="database"/> as the superuser <c>postgres</c> (trust authentication on loopback).</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        // No pooling: a recovered cluster may take over the port of a stopped one, and pooled connections to the old
        // server would be handed out dead.
        Pooling = false,
    }.ConnectionString;

    /// <summary>
    /// Creates and starts a new cluster with <c>wal_level=replica</c>; when <paramref name="archiveDir"/> is given,
    /// every completed WAL segment is copied there (<c>archive_mode=on</c>).
    /// </summary>
    public static async Task<PostgresCluster> StartNewAsync(string? archiveDir = null)
    {
        var root = CreateRoot();
        var data = Path.Combine(root, "data");
        await RunAsPostgresAsync(Bin("initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        var cluster = new PostgresCluster(root, data, FreePort.Next());
        var settings = new StringBuilder()
            .AppendLine("wal_level = replica")
            .AppendLine("max_wal_senders = 4")
            // The tests never crash the server; skipping fsync keeps them quick on a shared disk.
            .AppendLine("fsync = off")
            .AppendLine("synchronous_commit = off");
        if (archiveDir is not null)
        {
            settings.AppendLine("archive_mode = on")
                .AppendLine(CultureInfo.InvariantCulture, $"archive_command = 'test ! -f {archiveDir}/%f && cp %p {archiveDir}/%f'");
        }

        await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"), settings.ToString());
        await cluster.StartAsync();
        return cluster;
    }

    /// <summary>
    /// A new cluster recovered from <paramref name="baseBackupDir"/> (taken with <see cref="BaseBackupAsync"/>) by
    /// replaying the WAL archive up to <paramref name="targetTime"/>, then promoted (a new timeline), listening on
    /// <paramref name="port"/>. Returns once it accepts writes.
    /// </summary>
    public static async Task<PostgresCluster> RecoverAsync(string baseBackupDir, string archiveDir, DateTimeOffset targetTime, int port)
    {
        var root = CreateRoot();
        var data = Path.Combine(root, "data");
        await RunAsPostgresAsync("cp", "-a", baseBackupDir, data);
        // A socket lock file copied from the primary names its postmaster's PID; on a busy machine that PID may belong
        // to another process by now, and the server would refuse to start.
        foreach (var stale in Directory.EnumerateFiles(data, ".s.PGSQL.*"))
        {
            File.Delete(stale);
        }

        var cluster = new PostgresCluster(root, data, port);
        var target = targetTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00";
        var settings = new StringBuilder()
            .AppendLine("archive_mode = off")
            .AppendLine(CultureInfo.InvariantCulture, $"restore_command = 'cp {archiveDir}/%f %p'")
            .AppendLine(CultureInfo.InvariantCulture, $"recovery_target_time = '{target}'")
            .AppendLine("recovery_target_action = 'promote'");
        await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"), settings.ToString());
        await RunAsPostgresAsync("touch", Path.Combine(data, "recovery.signal"));
        try
        {
            await cluster.StartAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    await using var connection = new NpgsqlConnection(cluster.ConnectionString());
                    await connection.OpenAsync();
                    await using var check = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
                    if (!(bool)(await check.ExecuteScalarAsync())!)
                    {
                        return cluster;
                    }
                }
                catch (NpgsqlException) when (DateTime.UtcNow < deadline)
                {
                    // Promotion in progress: try again.
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("The recovered cluster did not leave recovery within 60 s.");
                }

                await Task.Delay(100);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or NpgsqlException)
        {
            var log = cluster.Log();
            await cluster.DisposeAsync();
            throw new InvalidOperationException("Point-in-time recovery failed. Server log:\n" + log, ex);
        }
    }

    /// <summary>Takes a base backup (<c>pg_basebackup -X stream</c>) into a new folder and returns it.</summary>
    public async Task<string> BaseBackupAsync()
    {
        var target = Path.Combine(_root, "base-" + Guid.NewGuid().ToString("N")[..8]);
        await RunAsPostgresAsync(Bin("pg_basebackup"), "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
            "-D", target, "-X", "stream", "--checkpoint=fast", "--no-sync");
        return target;
    }

    /// <summary>A new folder the server may write (e.g. the WAL archive), removed with the cluster.</summary>
    public static async Task<string> CreateServerFolderAsync(string name)
    {
        var folder = Path.Combine(CreateRoot(), name);
        await RunAsPostgresAsync("mkdir", "-p", folder);
        return folder;
    }

    /// <summary>
    /// Closes the current WAL segment (<c>pg_switch_wal()</c>) and waits until the archiver has copied it, so a
    /// recovery from the archive can replay everything committed so far.
    /// </summary>
    public async Task SwitchAndArchiveWalAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        string segment;
        await using (var command = new NpgsqlCommand("SELECT pg_walfile_name(pg_switch_wal())", connection))
        {
            segment = (string)(await command.ExecuteScalarAsync())!;
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var status = new NpgsqlCommand("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver", connection);
            var archived = (string)(await status.ExecuteScalarAsync())!;
            if (string.CompareOrdinal(archived, segment) >= 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"WAL segment {segment} was not archived within 30 s (last archived: '{archived}').\n" + Log());
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The server log so far (for failure messages).</summary>
    public string Log()
    {
        var log = Path.Combine(DataDir, "log");
        return File.Exists(log) ? File.ReadAllText(log) : "";
    }

    /// <summary>Stops the server (fast shutdown) if it runs.</summary>
    public async Task StopAsync()
    {
        if (_running)
        {
            _running = false;
            await RunAsPostgresAsync(Bin("pg_ctl"), "-D", DataDir, "-m", "fast", "-w", "stop");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already gone: nothing to stop.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task StartAsync()
    {
        var settings = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"port = {Port}")
            .AppendLine("listen_addresses = '127.0.0.1'")
            // Sockets beside the data directory, not in it: a base backup then carries no socket lock files.
            .AppendLine(CultureInfo.InvariantCulture, $"unix_socket_directories = '{_root}'");
        await File.AppendAllTextAsync(Path.Combine(DataDir, "postgresql.conf"), settings.ToString());
        // Marked first: a start that times out may leave a server running, which dispose must still stop.
        _running = true;
        await RunAsPostgresAsync(Bin("pg_ctl"), "-D", DataDir, "-l", Path.Combine(DataDir, "log"), "-w", "-t", "60", "start");
    }

    private static string Bin(string name) => Path.Combine(TestEnvironment.PostgresBinDirectory, name);

    // A folder under the temp directory that the postgres user owns (the server refuses data it does not own).
    private static string CreateRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "warden-pgc-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        if (IsRoot)
        {
            using var chown = Process.Start("chown", ["postgres:postgres", root])!;
            chown.WaitForExit();
        }

        return root;
    }

    private static bool IsRoot => Environment.UserName == "root";

    // Runs a command as the postgres user when the tests run as root (initdb, pg_ctl and postgres refuse root).
    private static async Task RunAsPostgresAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(IsRoot ? "runuser" : program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (IsRoot)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", program })
            {
                info.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException(program + " did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}
