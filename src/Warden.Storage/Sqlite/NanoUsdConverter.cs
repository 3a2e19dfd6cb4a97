using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Warden.Storage.Sqlite;

/// <summary>
/// <see cref="decimal"/> ⇄ an INTEGER count of 10⁻⁹ units (nano-USD for money), which SQLite sums exactly.
/// Nine fractional digits like PostgreSQL's <c>numeric(20,9)</c>; extra digits round half away from zero as
/// PostgreSQL does. Range ±9,223,372,036.854775807; larger values throw <see cref="OverflowException"/>.
/// </summary>
internal sealed class NanoUsdConverter()
    : ValueConverter<decimal, long>(value => ToNanos(value), nanos => FromNanos(nanos))
{
    private const decimal Scale = 1_000_000_000m;

    public static long ToNanos(decimal value) =>
        decimal.ToInt64(decimal.Round(value * Scale, MidpointRounding.AwayFromZero));

    public static decimal FromNanos(long nanos) => nanos / Scale;
}
