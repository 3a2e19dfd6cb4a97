using System.Text;
using Warden.Core.Guardrails;
using static Warden.Core.Tests.Guardrails.PiiTestText;

namespace Warden.Core.Tests.Guardrails;

public sealed class PiiScannerBehaviourTests
{
    [Fact]
    public void Scan_EmptyText_FindsNothing()
    {
        var matches = new List<PiiMatch>();

        Assert.Equal(0, PiiScanner.All.Scan([], matches));
        Assert.Empty(matches);
    }

    [Fact]
    public void Scan_AppendsAfterExistingEntriesAndLeavesThemAlone()
    {
        var existing = new PiiMatch(1000, 5, PiiKind.Phone);
        var matches = new List<PiiMatch> { existing };

        var added = PiiScanner.All.Scan("x alice@example.com y"u8, matches);

        Assert.Equal(1, added);
        Assert.Equal([existing, new PiiMatch(2, 17, PiiKind.Email)], matches);
    }

    [Fact]
    public void Scan_ManyMatches_AreOrderedAndDisjoint()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 2000; i++)
        {
            builder.Append((i % 4) switch
            {
                0 => $"user{i}@example.com ",
                1 => "4111 1111 1111 1111 ",
                2 => $"10.0.{i % 256}.1 ",
                _ => "+66 81 234 5678 ",
            });
        }

        var bytes = Encoding.UTF8.GetBytes(builder.ToString());
        var matches = new List<PiiMatch>();

        PiiScanner.All.Scan(bytes, matches);

        Assert.Equal(2000, matches.Count);
        for (var i = 1; i < matches.Count; i++)
        {
            Assert.True(matches[i].Start >= matches[i - 1].End);
        }

        Assert.Equal(500, matches.Count(m => m.Kind == PiiKind.Email));
        Assert.Equal(500, matches.Count(m => m.Kind == PiiKind.CreditCard));
        Assert.Equal(500, matches.Count(m => m.Kind == PiiKind.IpAddress));
        Assert.Equal(500, matches.Count(m => m.Kind == PiiKind.Phone));
    }

    [Fact]
    public void Scan_OverlappingCandidates_MergeIntoOneMatchOfTheLongerKind()
    {
        // The IPv4 tail is an IPv4 candidate of its own; the IPv6 address covers it.
        AssertFinds("at ::ffff:10.1.2.3 now", "::ffff:10.1.2.3", PiiKind.IpAddress);

        // A key inside a PEM block is a generic secret candidate too; the block wins and covers it.
        var found = Find("-----BEGIN PRIVATE KEY-----\nxY9kL2mN8pQ4rS6tU1vW3zA5bC7dE0fG\n-----END PRIVATE KEY-----");
        Assert.Single(found);
    }

    [Fact]
    public void Scan_EqualLengthCandidates_PreferTheMoreSpecificKind()
    {
        // 078-05-1120 is both a valid SSN and a trunk-prefixed phone shape of the same length.
        AssertFinds("078-05-1120", "078-05-1120", PiiKind.Ssn);
    }

    [Fact]
    public void Scan_InvalidUtf8AndControlBytes_DoNotBreakDetection()
    {
        byte[] text = [0xFF, 0xC3, .. "alice@example.com"u8, 0x80, 0x00, .. "4111111111111111"u8, 0xE0];
        var matches = new List<PiiMatch>();

        PiiScanner.All.Scan(text, matches);

        Assert.Equal([new PiiMatch(2, 17, PiiKind.Email), new PiiMatch(21, 16, PiiKind.CreditCard)], matches);
    }

    [Fact]
    public void Constructor_UnknownKind_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PiiScanner([(PiiKind)42]));
    }

    [Fact]
    public void Kinds_ListsTheEnabledKindsOnce()
    {
        var scanner = new PiiScanner([PiiKind.Secret, PiiKind.Email, PiiKind.Secret]);

        Assert.Equal([PiiKind.Email, PiiKind.Secret], scanner.Kinds.ToArray());
        Assert.True(scanner.IsEnabled(PiiKind.Email));
        Assert.False(scanner.IsEnabled(PiiKind.Phone));
    }

    [Fact]
    public void ContainsAny_ReportsWhetherAnythingWasFound()
    {
        var scratch = new List<PiiMatch>();

        Assert.True(PiiScanner.All.ContainsAny("call 555-123-4567"u8, scratch));
        Assert.False(PiiScanner.All.ContainsAny("call me maybe"u8, scratch));
        Assert.Empty(scratch);
    }

    [Fact]
    public void Scan_OneMebibyteText_AllocatesNothing()
    {
        // An allocation assertion, not a timing one: the scan itself must not allocate once the list has capacity.
        var noPii = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(
            "The quarterly report (v2.3.1) lists 1,204 orders from 2024-01-15 to 12:30 on Friday; see section 4.2 — ราคา 350 บาท. ", 9000)))[..(1 << 20)];
        var withPii = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(
            "Mail alice@example.com or call +1 (555) 123-4567, card 4111 1111 1111 1111, host fe80::1, key xY9kL2mN8pQ4rS6tU1vW3zA5bC7dE0fG. ", 8200)))[..(1 << 20)];
        var matches = new List<PiiMatch>(64_000);

        PiiScanner.All.Scan(noPii, matches);
        PiiScanner.All.Scan(withPii, matches);
        matches.Clear();

        var before = GC.GetAllocatedBytesForCurrentThread();
        PiiScanner.All.Scan(noPii, matches);
        var afterClean = GC.GetAllocatedBytesForCurrentThread();
        var found = PiiScanner.All.Scan(withPii, matches);
        var afterPii = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(0, afterClean - before);
        Assert.True(found > 40_000, $"found {found}");
        Assert.Equal(0, afterPii - afterClean);
    }
}
