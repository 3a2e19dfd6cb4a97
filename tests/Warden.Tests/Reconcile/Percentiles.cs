using System.Globalization;

namespace Warden.Tests.Reconcile;

/// <summary>Nearest-rank percentiles of measured durations, for reporting (never for pass/fail beyond functional bounds).</summary>
internal static class Percentiles
{
    public static double Of(IReadOnlyCollection<double> values, double percentile)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string Describe(IReadOnlyCollection<double> values) => string.Create(CultureInfo.InvariantCulture,
        $"n={values.Count} p50={Of(values, 50):F1} ms p99={Of(values, 99):F1} ms max={values.Max():F1} ms");

    /// <summary>Writes <paramref name="json"/> to <c>TestResults/<paramref name="name"/></c> next to the test assembly and returns the path.</summary>
    public static string WriteResult(string name, string json)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, json);
        return path;
    }
}
