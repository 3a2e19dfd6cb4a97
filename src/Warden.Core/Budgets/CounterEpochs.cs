using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Warden.Core.Budgets;

/// <summary>
/// The counter epoch: which incarnation of the database budget counters are a cache of. The control plane derives it
/// from the database (<see cref="Derive"/>); gateways put it into every counter key (<see cref="KeyPrefix"/>), so when
/// it changes (a restore, a point-in-time recovery, a replaced database) counters start afresh and budgets re-seed
/// from the restored ledger, while reservations made under the old epoch settle on the old counters and cannot
/// disturb the new ones.
/// </summary>
public static class CounterEpochs
{
    /// <summary>Length of an epoch: 16 lower-case hex digits (64 bits of a SHA-256).</summary>
    public const int Length = 16;

    /// <summary>
    /// The epoch of a database identified by <paramref name="parts"/> (name → value; null or empty values are left
    /// out), or "" when none is known. Deterministic: every control-plane replica on the same database gets the same.
    /// </summary>
    public static string Derive(IEnumerable<KeyValuePair<string, string?>> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var text = new StringBuilder("warden-counter-epoch-v1");
        var any = false;
        foreach (var (name, value) in parts.Where(p => !string.IsNullOrEmpty(p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(name).Append('=').Append(value);
            any = true;
        }

        if (!any)
        {
            return "";
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return BinaryPrimitives.ReadUInt64BigEndian(hash).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>True for "" and for 1–32 lower-case hex digits (what may appear inside a counter key).</summary>
    public static bool IsValid(string epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        if (epoch.Length > 32)
        {
            return false;
        }

        foreach (var c in epoch)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The prefix of every counter key under <paramref name="epoch"/>: <c>warden:</c> + <c>3f2a…:</c>, or the configured
    /// prefix alone when there is no epoch.
    /// </summary>
    public static string KeyPrefix(string configuredPrefix, string epoch)
    {
        ArgumentNullException.ThrowIfNull(configuredPrefix);
        ArgumentNullException.ThrowIfNull(epoch);
        return epoch.Length == 0 ? configuredPrefix : configuredPrefix + epoch + ":";
    }
}
