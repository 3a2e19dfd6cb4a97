using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Warden.Storage.Sqlite;

/// <summary>
/// <see cref="DateTimeOffset"/> ⇄ microseconds since the Unix epoch (UTC), an INTEGER SQLite orders and compares.
/// Microseconds match PostgreSQL's <c>timestamptz</c> resolution, so both databases round-trip the same values.
/// Values read back have offset zero.
/// </summary>
internal sealed class UnixMicrosecondsConverter()
    : ValueConverter<DateTimeOffset, long>(value => ToMicroseconds(value), micros => FromMicroseconds(micros))
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public static long ToMicroseconds(DateTimeOffset value) =>
        (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    public static DateTimeOffset FromMicroseconds(long micros) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (micros * TicksPerMicrosecond), TimeSpan.Zero);
}
