using Microsoft.Extensions.Time.Testing;

namespace Warden.Providers.Tests.TestSupport;

/// <summary>The fixed clock of the golden transcripts: 2025-01-01T00:00:00Z, i.e. <c>created</c> = 1735689600.</summary>
internal static class Clock
{
    public const long GoldenUnixSeconds = 1735689600;

    public static FakeTimeProvider Golden() => new(DateTimeOffset.FromUnixTimeSeconds(GoldenUnixSeconds));
}
