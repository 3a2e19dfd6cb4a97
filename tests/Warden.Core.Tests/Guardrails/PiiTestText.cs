using System.Text;
using Warden.Core.Guardrails;

namespace Warden.Core.Tests.Guardrails;

/// <summary>Scans strings and returns what was found as text, for readable assertions.</summary>
internal static class PiiTestText
{
    public static List<(string Value, PiiKind Kind)> Find(string text, PiiScanner? scanner = null)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var matches = new List<PiiMatch>();
        (scanner ?? PiiScanner.All).Scan(bytes, matches);
        return [.. matches.Select(m => (Encoding.UTF8.GetString(bytes, m.Start, m.Length), m.Kind))];
    }

    public static void AssertFinds(string text, string expected, PiiKind kind)
    {
        var found = Find(text);
        Assert.Equal([(expected, kind)], found);
    }

    public static void AssertFindsNothing(string text)
    {
        var found = Find(text);
        Assert.Empty(found);
    }

    public static void AssertFindsNo(string text, PiiKind kind)
    {
        var found = Find(text);
        Assert.DoesNotContain(found, f => f.Kind == kind);
    }

    public static string Mask(string text, PiiScanner? scanner = null)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var matches = new List<PiiMatch>();
        (scanner ?? PiiScanner.All).Scan(bytes, matches);
        return PiiMasking.MaskToString(bytes, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(matches));
    }
}
