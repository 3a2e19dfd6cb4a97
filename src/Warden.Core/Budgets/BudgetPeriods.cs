using System.Globalization;

namespace Warden.Core.Budgets;

/// <summary>The periods counters are keyed by: the calendar month (UTC) for budgets, the UTC minute for limits.</summary>
public static class BudgetPeriods
{
    /// <summary>Length of a rate-limit window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>The budget period of <paramref name="now"/>: <c>yyyy-MM</c> in UTC.</summary>
    public static string MonthKey(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return utc.ToString("yyyy-MM", CultureInfo.InvariantCulture);
    }

    /// <summary>Start of the calendar month (UTC) containing <paramref name="now"/>.</summary>
    public static DateTimeOffset MonthStart(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>00:00 UTC on the 1st of the month after <paramref name="now"/>: when budgets reset.</summary>
    public static DateTimeOffset MonthEnd(DateTimeOffset now) => MonthStart(now).AddMonths(1);

    /// <summary>Parses a <c>yyyy-MM</c> month key; false when it is not one.</summary>
    public static bool TryParseMonth(string? text, out DateTimeOffset start)
    {
        if (text is { Length: 7 } && DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            start = new DateTimeOffset(parsed.Year, parsed.Month, 1, 0, 0, 0, TimeSpan.Zero);
            return true;
        }

        start = default;
        return false;
    }

    /// <summary>The rate-limit window of <paramref name="now"/>: <c>yyyyMMddHHmm</c> in UTC.</summary>
    public static string WindowKey(DateTimeOffset now) => WindowStart(now).ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    /// <summary>Start of the UTC minute containing <paramref name="now"/>.</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % Window.Ticks), TimeSpan.Zero);
    }

    /// <summary>End of the window containing <paramref name="now"/>: when its capacity frees.</summary>
    public static DateTimeOffset WindowEnd(DateTimeOffset now) => WindowStart(now) + Window;

    /// <summary>
    /// <c>Retry-After</c> for a refused charge: budgets reset at the month end; window limits free at the window end;
    /// concurrency frees when a request in flight finishes, which cannot be known, so one second.
    /// </summary>
    public static TimeSpan RetryAfter(CounterCharge charge, DateTimeOffset now)
    {
        if (charge.PeriodEnd is { } end && end > now)
        {
            return end - now;
        }

        return TimeSpan.FromSeconds(1);
    }
}
