using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.Gateway.Usage;

namespace Warden.Gateway.Tests.Usage;

/// <summary>The durable spool on a real folder: order, torn tails after a crash, deletion only after acknowledgement.</summary>
public sealed class UsageSpoolTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "warden-spool-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Append_ThenReopen_ReadsEveryRecordInOrder()
    {
        using (var spool = Open())
        {
            for (var i = 0; i < 10; i++)
            {
                spool.Append(Payload(i), i + 1);
            }
        }

        using var reopened = Open();

        Assert.Equal(Enumerable.Range(1, 10).Sum(), reopened.PendingEvents);
        Assert.Equal(Enumerable.Range(0, 10).Select(Text), DrainAll(reopened));
        Assert.False(reopened.HasPending);
        Assert.Empty(Segments());
    }

    [Fact]
    public void Open_TornTail_IgnoresPartialRecordAndAppendsToANewSegment()
    {
        using (var spool = Open())
        {
            spool.Append(Payload(0), 1);
            spool.Append(Payload(1), 1);
            spool.Append(Payload(2), 1);
        }

        // A crash mid-write: the last record lost its final bytes.
        var segment = Assert.Single(Segments());
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(file.Length - 3);
        }

        using var reopened = Open();
        reopened.Append(Payload(3), 1);

        Assert.Equal(3, reopened.PendingEvents);
        Assert.Equal([Text(0), Text(1), Text(3)], DrainAll(reopened));
        Assert.Empty(Segments());
    }

    [Fact]
    public void Open_CorruptRecord_StopsTheSegmentThere()
    {
        using (var spool = Open())
        {
            spool.Append(Payload(0), 1);
            spool.Append(Payload(1), 1);
        }

        // Flip one payload byte of the second record: its checksum no longer matches.
        var segment = Assert.Single(Segments());
        var bytes = File.ReadAllBytes(segment);
        bytes[^2] ^= 0x20;
        File.WriteAllBytes(segment, bytes);

        using var reopened = Open();

        Assert.Equal(1, reopened.PendingEvents);
        Assert.Equal([Text(0)], DrainAll(reopened));
    }

    [Fact]
    public void Open_GarbageAfterLastRecord_IsIgnored()
    {
        using (var spool = Open())
        {
            spool.Append(Payload(0), 2);
        }

        File.AppendAllText(Assert.Single(Segments()), "\u0001\u0002garbage");

        using var reopened = Open();

        Assert.Equal(2, reopened.PendingEvents);
        Assert.Equal([Text(0)], DrainAll(reopened));
    }

    [Fact]
    public void Acknowledge_SegmentDeletedOnlyAfterItsLastRecord()
    {
        using var spool = Open();
        spool.Append(Payload(0), 1);
        spool.Append(Payload(1), 1);

        Assert.True(spool.TryPeek(out var first));
        var segment = Assert.Single(Segments());
        spool.Acknowledge(first);
        Assert.True(File.Exists(segment));

        // Not acknowledged (e.g. the control plane went away mid-drain): the same record comes back, file kept.
        Assert.True(spool.TryPeek(out var second));
        Assert.True(spool.TryPeek(out var again));
        Assert.Equal(second.Index, again.Index);
        Assert.True(File.Exists(segment));

        spool.Acknowledge(second);
        Assert.False(File.Exists(segment));
        Assert.False(spool.HasPending);
    }

    [Fact]
    public void Peek_WhileAppending_NewRecordsGoBehind()
    {
        using var spool = Open();
        spool.Append(Payload(0), 1);
        Assert.True(spool.TryPeek(out var first));

        spool.Append(Payload(1), 1);
        spool.Acknowledge(first);

        Assert.Equal([Text(1)], DrainAll(spool));
    }

    [Fact]
    public void Crash_BetweenDeliveryAndAcknowledgement_ResendsFromTheUnacknowledgedRecord()
    {
        using (var spool = Open())
        {
            spool.Append(Payload(0), 1);
            spool.Append(Payload(1), 1);
            Assert.True(spool.TryPeek(out var first));
            spool.Acknowledge(first);
            Assert.True(spool.TryPeek(out _));
        }

        // The segment is still on disk with both records: after a restart both are re-sent (ingest is idempotent).
        using var reopened = Open();
        Assert.Equal([Text(0), Text(1)], DrainAll(reopened));
    }

    [Fact]
    public void Append_LargeVolume_RollsSegmentsAndKeepsOrder()
    {
        using var spool = Open();
        var big = new string('x', 200_000);
        for (var i = 0; i < 50; i++)
        {
            spool.Append(Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture) + big), 1);
        }

        Assert.True(Segments().Length > 1);
        var seen = new List<int>();
        while (spool.TryPeek(out var record))
        {
            var text = Encoding.UTF8.GetString(record.Payload.Span);
            seen.Add(int.Parse(text[..text.IndexOf('x', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture));
            spool.Acknowledge(record);
        }

        Assert.Equal(Enumerable.Range(0, 50), seen);
        Assert.Empty(Segments());
    }

    [Fact]
    public void Open_FolderHeldByAnotherSpool_Throws()
    {
        using var spool = Open();

        var error = Assert.Throws<IOException>(Open);

        Assert.Contains("Gateway:SpoolDir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reject_KeepsThePayloadAndMovesOn()
    {
        using var spool = Open();
        spool.Append(Payload(0), 1);
        spool.Append(Payload(1), 1);
        Assert.True(spool.TryPeek(out var bad));

        var path = spool.Reject(bad);

        Assert.Equal(Text(0), File.ReadAllText(path));
        Assert.Equal([Text(1)], DrainAll(spool));
    }

    private UsageSpool Open() => UsageSpool.Open(_directory, NullLogger.Instance);

    private string[] Segments() => Directory.Exists(_directory) ? Directory.GetFiles(_directory, "*.seg") : [];

    private static string Text(int i) => "{\"batch\":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}";

    private static byte[] Payload(int i) => Encoding.UTF8.GetBytes(Text(i));

    private static List<string> DrainAll(UsageSpool spool)
    {
        var seen = new List<string>();
        while (spool.TryPeek(out var record))
        {
            seen.Add(Encoding.UTF8.GetString(record.Payload.Span));
            spool.Acknowledge(record);
        }

        return seen;
    }
}
