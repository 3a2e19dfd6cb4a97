using System.Globalization;
using System.Text.RegularExpressions;
using Warden.Testing;

namespace Warden.Tests.Reconcile;

/// <summary>Figures read from a running <c>warden</c> process: its log lines and its resident memory.</summary>
internal static partial class ProcessFigures
{
    /// <summary>Resident set size in MiB, from <c>/proc/&lt;pid&gt;/status</c>.</summary>
    public static double RssMiB(WardenProcess process)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Waits for a log line containing <paramref name="marker"/> and returns the first match of <paramref name="pattern"/> in it.</summary>
    public static async Task<Match> WaitForLogAsync(WardenProcess process, string marker, Regex pattern, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            foreach (var line in process.Output.Split('\n'))
            {
                if (line.Contains(marker, StringComparison.Ordinal) && pattern.Match(line) is { Success: true } match)
                {
                    return match;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No log line with '{marker}' matching {pattern}. Output:\n{process.Output}");
    }

    public static double Number(Match match, string group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?<keys>\d+) keys, new base: True\) in (?<ms>[0-9.]+) ms")]
    public static partial Regex FullBuild();

    [GeneratedRegex(@"(?<keys>\d+) keys, (?<overlay>\d+) in overlay\): received in (?<receive>[0-9.]+) ms, applied in (?<apply>[0-9.]+) ms")]
    public static partial Regex GatewayApplied();
}
