using System.Diagnostics;
using System.Globalization;
using System.Text;
using Warden.Core.Guardrails;
using Xunit.Abstractions;

namespace Warden.Core.Tests.Guardrails;

/// <summary>
/// Inputs built to make a scanner go quadratic (long separator chains, colon and at-sign runs, unterminated PEM
/// headers, one huge token). Each must give the expected matches; the time per MiB is printed and written to
/// <c>TestResults/pii-scan-adversarial.json</c> for the report, never asserted.
/// </summary>
public sealed class PiiScannerAdversarialTests(ITestOutputHelper output)
{
    private const int Size = 1 << 20;

    public static TheoryData<string, string, int> Inputs => new()
    {
        { "digit-dash chain", "1-", 0 },
        { "digit-space chain", "1 ", 0 },
        { "digit run", "7", 0 },
        { "colons", ":", 0 },
        { "hex-colon chain", "a1:", 0 },
        { "at signs", "@", 0 },
        { "local-at chain", "a@", 0 },
        { "domain label chain", "a.", 0 },
        { "plus-one chain", "+1 ", 0 },
        { "parenthesis chain", "(55", 0 },
        { "unterminated PEM header", "-----BEGIN ", 0 },
        { "one huge token", "A1b", 0 },
        { "name=value chain", "k=v", 0 },
        { "bearer words", "Bearer ", 0 },
        { "IBAN-shaped groups", "DE89 ", 0 },
        { "Thai text", "ภาษาไทย ", 0 },
        { "cards", "4111111111111111 ", Size / 17 },
        { "emails", "a@b.io ", Size / 7 },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Scan_AdversarialMebibyte_FindsWhatItShould(string name, string unit, int expected)
    {
        var text = Build(unit);
        var matches = new List<PiiMatch>(Size / 4);

        // Warm up on a prefix so tiered compilation promotes the scan before it is measured.
        for (var i = 0; i < 60; i++)
        {
            matches.Clear();
            PiiScanner.All.Scan(text.AsSpan(0, 4096), matches);
        }

        await Task.Delay(300);
        matches.Clear();

        var stopwatch = Stopwatch.StartNew();
        var found = PiiScanner.All.Scan(text, matches);
        var milliseconds = stopwatch.Elapsed.TotalMilliseconds;

        var line = string.Create(CultureInfo.InvariantCulture, $"{name}: {found} matches, {milliseconds:F2} ms per MiB");
        output.WriteLine(line);
        Record(name, milliseconds, found);
        Assert.InRange(found, expected, expected + 1);
    }

    private static byte[] Build(string unit)
    {
        var bytes = Encoding.UTF8.GetBytes(unit);
        var text = new byte[Size];
        for (var i = 0; i + bytes.Length <= Size; i += bytes.Length)
        {
            bytes.CopyTo(text, i);
        }

        // Pad the tail with spaces so no unit is cut in half.
        var whole = Size / bytes.Length * bytes.Length;
        text.AsSpan(whole).Fill((byte)' ');
        return text;
    }

    private static readonly Lock s_lock = new();
    private static readonly System.Text.Json.JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private static void Record(string name, double milliseconds, int found)
    {
        lock (s_lock)
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "TestResults");
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, "pii-scan-adversarial.json");
            var entries = File.Exists(path)
                ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double[]>>(File.ReadAllText(path)) ?? []
                : [];
            entries[name] = [Math.Round(milliseconds, 3), found];
            File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(entries, s_indented));
        }
    }
}
