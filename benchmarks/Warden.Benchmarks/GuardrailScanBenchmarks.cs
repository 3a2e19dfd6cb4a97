using System.Text;
using BenchmarkDotNet.Attributes;
using Warden.Core.Guardrails;

namespace Warden.Benchmarks;

/// <summary>
/// The PII guardrail's scan (<see cref="PiiScanner"/>, every kind enabled) over one user text value as the gate hands
/// it over (unescaped UTF-8): a typical ~1 KB chat message without PII, the same with three PII items, and a 32 KB
/// document; plus masking the three-item message into a reused buffer.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class GuardrailScanBenchmarks
{
    private const string Prose =
        "Could you help me rewrite the onboarding guide for our support team? It should explain how to triage incoming " +
        "tickets, when to escalate to the on-call engineer, and how we measure response times (we aim for 4 hours on " +
        "business days, version 2.3 of the policy). Please keep the tone friendly but precise, use short paragraphs, " +
        "and add a checklist at the end. The current draft mentions the 2024-01-15 reorganisation and the Q3 targets; " +
        "those parts can go. Also suggest three titles, and point out anything that sounds unclear to a new hire who " +
        "has never used our ticketing tool. ";

    private readonly PiiScanner _scanner = PiiScanner.All;
    private readonly List<PiiMatch> _matches = new(256);
    private readonly System.Buffers.ArrayBufferWriter<byte> _masked = new(4096);
    private byte[] _chatNoPii = null!;
    private byte[] _chatThreePii = null!;
    private byte[] _document = null!;

    [GlobalSetup]
    public void Setup()
    {
        _chatNoPii = Encoding.UTF8.GetBytes(Repeat(Prose, 1_024));
        _chatThreePii = Encoding.UTF8.GetBytes(
            Repeat(Prose, 800) + " My e-mail is jane.doe@example.com, call me on +1 (555) 123-4567, and the card ending 1111 is 4111 1111 1111 1111. Thanks!");

        // A 32 KB document: prose with a line of contact details every ~2 KB.
        var document = new StringBuilder();
        var i = 0;
        while (document.Length < 32 * 1_024)
        {
            document.Append(Prose).Append(Prose).Append(Prose);
            document.Append("Contact: ").Append("agent").Append(i).Append("@example.com, +44 20 7946 0958, host 10.0.")
                .Append(i % 256).Append(".7.\n");
            i++;
        }

        _document = Encoding.UTF8.GetBytes(document.ToString(0, 32 * 1_024));
        if (Scan(_chatNoPii) != 0 || Scan(_chatThreePii) != 3 || Scan(_document) == 0)
        {
            throw new InvalidOperationException("Fixture texts do not hold the PII they should.");
        }
    }

    [Benchmark(Description = "PII scan, ~1 KB chat message, no PII")]
    public int ChatNoPii() => Scan(_chatNoPii);

    [Benchmark(Description = "PII scan, ~1 KB chat message, 3 PII items")]
    public int ChatThreePii() => Scan(_chatThreePii);

    [Benchmark(Description = "PII scan, 32 KB document")]
    public int Document() => Scan(_document);

    [Benchmark(Description = "PII scan + mask, ~1 KB chat message, 3 PII items")]
    public int ChatThreePiiMask()
    {
        Scan(_chatThreePii);
        _masked.ResetWrittenCount();
        return PiiMasking.Mask(_chatThreePii, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_matches), _masked);
    }

    private int Scan(byte[] text)
    {
        _matches.Clear();
        return _scanner.Scan(text, _matches);
    }

    private static string Repeat(string text, int length)
    {
        var builder = new StringBuilder(length + text.Length);
        while (builder.Length < length)
        {
            builder.Append(text);
        }

        return builder.ToString(0, length);
    }
}
