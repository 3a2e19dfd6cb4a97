using System.Diagnostics;

namespace Warden.Testing;

/// <summary>Runs a Node.js test script from <c>tests/node</c> (official client SDKs) and returns its result.</summary>
public static class NodeRunner
{
    /// <summary>
    /// Runs <c>node --test SCRIPT</c> in <c>tests/node</c> with the given environment.
    /// The node packages are installed by <c>./test.sh</c> (<c>npm ci</c>).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunTestAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        if (!Directory.Exists(Path.Combine(RepoPaths.NodeTests, "node_modules")))
        {
            throw new InvalidOperationException("tests/node/node_modules is missing: run ./test.sh (it runs npm ci) first.");
        }

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.NodeTests,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--test");
        info.ArgumentList.Add("--test-reporter=spec");
        info.ArgumentList.Add(script);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node --test {script} did not finish in time");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
