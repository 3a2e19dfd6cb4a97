using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Warden.Storage.Backup;

/// <summary>
/// Finds and runs <c>pg_dump</c> and <c>pg_restore</c>. Connection details go to the child process through the
/// <c>PG*</c> environment variables (the password as <c>PGPASSWORD</c>), never on its command line, where any user of
/// the machine could read it.
/// </summary>
public sealed partial class PostgresTools
{
    private const int MaxErrorChars = 4000;

    private PostgresTools(string pgDump, string pgRestore, int majorVersion, string versionText)
    {
        PgDump = pgDump;
        PgRestore = pgRestore;
        MajorVersion = majorVersion;
        VersionText = versionText;
    }

    /// <summary>Full path of <c>pg_dump</c>.</summary>
    public string PgDump { get; }

    /// <summary>Full path of <c>pg_restore</c>.</summary>
    public string PgRestore { get; }

    /// <summary>Major version of the tools.</summary>
    public int MajorVersion { get; }

    /// <summary>What <c>pg_dump --version</c> printed.</summary>
    public string VersionText { get; }

    /// <summary>
    /// Finds <c>pg_dump</c>/<c>pg_restore</c> of at least <paramref name="serverMajorVersion"/>: in
    /// <paramref name="configuredBinDir"/> when set (and only there), otherwise on <c>PATH</c>, then in
    /// <c>/usr/lib/postgresql/*/bin</c> (highest version first). Throws <see cref="BackupFailedException"/> naming the
    /// fix when none fits.
    /// </summary>
    public static async Task<PostgresTools> FindAsync(string? configuredBinDir, int serverMajorVersion, CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(configuredBinDir))
        {
            candidates.Add(Path.GetFullPath(configuredBinDir));
        }
        else
        {
            foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                candidates.Add(folder);
            }

            const string debianRoot = "/usr/lib/postgresql";
            if (Directory.Exists(debianRoot))
            {
                candidates.AddRange(Directory.EnumerateDirectories(debianRoot)
                    .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                    .Where(d => d.Version > 0)
                    .OrderByDescending(d => d.Version)
                    .Select(d => Path.Combine(d.Dir, "bin")));
            }
        }

        var found = new List<string>();
        foreach (var folder in candidates)
        {
            var dump = Path.Combine(folder, "pg_dump");
            var restore = Path.Combine(folder, "pg_restore");
            if (!File.Exists(dump) || !File.Exists(restore))
            {
                continue;
            }

            var (exitCode, output, _) = await RunCapturedAsync(dump, ["--version"], null, cancellationToken);
            var match = VersionPattern().Match(output);
            if (exitCode != 0 || !match.Success)
            {
                continue;
            }

            var major = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            found.Add($"{dump} ({major})");
            if (major >= serverMajorVersion)
            {
                return new PostgresTools(dump, restore, major, output.Trim());
            }
        }

        if (found.Count == 0)
        {
            throw new BackupFailedException(string.IsNullOrWhiteSpace(configuredBinDir)
                ? "pg_dump/pg_restore not found on PATH or under /usr/lib/postgresql/*/bin; install the PostgreSQL client tools (e.g. apt-get install postgresql-client) or set Backup:PostgresBinDir."
                : $"pg_dump/pg_restore not found in Backup:PostgresBinDir ('{configuredBinDir}').");
        }

        throw new BackupFailedException(
            $"The PostgreSQL server is version {serverMajorVersion} but the newest pg_dump found is older ({string.Join(", ", found)}); install client tools of version {serverMajorVersion} or newer, or point Backup:PostgresBinDir at them.");
    }

    /// <summary>The server's major version (e.g. 15).</summary>
    public static async Task<int> GetServerMajorVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand("SHOW server_version_num", connection);
        var text = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        return int.Parse(text, CultureInfo.InvariantCulture) / 10000;
    }

    /// <summary>
    /// Runs <c>pg_dump --format=custom</c> of the database <paramref name="connectionString"/> names, at exported
    /// snapshot <paramref name="snapshotId"/>, handing its output stream to <paramref name="consume"/>.
    /// </summary>
    public async Task DumpAsync(string connectionString, string snapshotId, Func<Stream, Task> consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        var info = NewStartInfo(PgDump, ["--format=custom", "--no-password", "--snapshot=" + snapshotId], connectionString);
        info.RedirectStandardOutput = true;
        using var process = Process.Start(info) ?? throw new BackupFailedException("pg_dump could not be started.");
        var errors = ReadBoundedAsync(process.StandardError);
        try
        {
            await consume(process.StandardOutput.BaseStream);
        }
        catch
        {
            Kill(process);
            throw;
        }

        await process.WaitForExitAsync(cancellationToken);
        var stderr = await errors;
        if (process.ExitCode != 0)
        {
            throw new BackupFailedException($"pg_dump failed (exit code {process.ExitCode}): {OneLine(stderr)}");
        }
    }

    /// <summary>
    /// Runs <c>pg_restore</c> of the custom-format dump <paramref name="dumpFile"/> into the database
    /// <paramref name="connectionString"/> names, with <paramref name="extraArguments"/>.
    /// </summary>
    public async Task RestoreAsync(string connectionString, string dumpFile, IReadOnlyList<string> extraArguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(extraArguments);
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        List<string> arguments = ["--no-password", "--exit-on-error", "--dbname=" + database, .. extraArguments, dumpFile];
        var (exitCode, _, stderr) = await RunCapturedAsync(PgRestore, arguments, connectionString, cancellationToken);
        if (exitCode != 0)
        {
            throw new BackupFailedException($"pg_restore failed (exit code {exitCode}): {OneLine(stderr)}");
        }
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunCapturedAsync(string file, IReadOnlyList<string> arguments, string? connectionString, CancellationToken cancellationToken)
    {
        var info = NewStartInfo(file, arguments, connectionString);
        info.RedirectStandardOutput = true;
        using var process = Process.Start(info) ?? throw new BackupFailedException($"{Path.GetFileName(file)} could not be started.");
        var output = ReadBoundedAsync(process.StandardOutput);
        var errors = ReadBoundedAsync(process.StandardError);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }

        return (process.ExitCode, await output, await errors);
    }

    private static ProcessStartInfo NewStartInfo(string file, IReadOnlyList<string> arguments, string? connectionString)
    {
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Nothing inherited may redirect the tools to another server or database.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        if (connectionString is not null)
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            SetIfPresent(info, "PGHOST", builder.Host);
            info.Environment["PGPORT"] = builder.Port.ToString(CultureInfo.InvariantCulture);
            SetIfPresent(info, "PGUSER", builder.Username);
            SetIfPresent(info, "PGPASSWORD", builder.Password);
            SetIfPresent(info, "PGDATABASE", builder.Database);
            SetIfPresent(info, "PGPASSFILE", builder.Passfile);
            SetIfPresent(info, "PGSSLMODE", builder.SslMode switch
            {
                SslMode.Disable => "disable",
                SslMode.Allow => "allow",
                SslMode.Require => "require",
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                _ => "prefer",
            });
            SetIfPresent(info, "PGSSLROOTCERT", builder.RootCertificate);
            SetIfPresent(info, "PGSSLCERT", builder.SslCertificate);
            SetIfPresent(info, "PGSSLKEY", builder.SslKey);
            info.Environment["PGCONNECT_TIMEOUT"] = Math.Max(2, builder.Timeout).ToString(CultureInfo.InvariantCulture);
            info.Environment["PGAPPNAME"] = "warden-backup";
        }

        return info;
    }

    private static void SetIfPresent(ProcessStartInfo info, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            info.Environment[name] = value;
        }
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            if (text.Length < MaxErrorChars)
            {
                text.Append(buffer, 0, Math.Min(read, MaxErrorChars - text.Length));
            }
        }

        return text.ToString();
    }

    private static string OneLine(string text) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
