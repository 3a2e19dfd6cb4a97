using System.Diagnostics;
using System.Text;

namespace Warden.Testing;

/// <summary>
/// A real <c>warden</c> process started by a test (<c>dotnet warden.dll …</c>), with its output captured.
/// Disposing kills it (and its children) if it is still running.
/// </summary>
public sealed class WardenProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly object _gate = new();

    private WardenProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The OS process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Exit code (only after exit).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>warden</c> with the given arguments and extra environment variables.</summary>
    public static WardenProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        info.ArgumentList.Add(RepoPaths.WardenDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Keep the child's view of the environment deterministic: no inherited Warden configuration.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("WARDEN__", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new WardenProcess(process);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Runs <c>warden</c> to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        await using var process = Start(arguments, environment, workingDirectory);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await process._process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, process.Output);
    }

    /// <summary>Polls <paramref name="url"/> until it answers 200 or the timeout passes.</summary>
    public async Task WaitForHttpOkAsync(Uri url, TimeSpan? timeout = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"warden exited with {ExitCode} before {url} was ready:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{url} did not answer 200 in time. Output:\n{Output}");
    }

    /// <summary>Sends SIGTERM (graceful stop) and waits for exit.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(cts.Token);
        return ExitCode;
    }

    /// <summary>Kills the process immediately (SIGKILL).</summary>
    public void Kill()
    {
        if (!HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }
}
