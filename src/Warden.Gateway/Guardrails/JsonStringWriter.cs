using System.Buffers;

namespace Warden.Gateway.Guardrails;

/// <summary>Writes UTF-8 text as a JSON string token (quotes included), escaping only what JSON requires.</summary>
internal static class JsonStringWriter
{
    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    /// <summary>Writes <c>"</c> + escaped <paramref name="utf8"/> + <c>"</c>; non-ASCII UTF-8 passes through as is.</summary>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8)
    {
        // Worst case every byte becomes \u00XX (6 bytes).
        var span = output.GetSpan((utf8.Length * 6) + 2);
        var at = 0;
        span[at++] = (byte)'"';
        foreach (var b in utf8)
        {
            switch (b)
            {
                case (byte)'"':
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'"';
                    break;
                case (byte)'\\':
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'\\';
                    break;
                case (byte)'\n':
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'n';
                    break;
                case (byte)'\r':
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'r';
                    break;
                case (byte)'\t':
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'t';
                    break;
                case < 0x20:
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'u';
                    span[at++] = (byte)'0';
                    span[at++] = (byte)'0';
                    span[at++] = Hex[b >> 4];
                    span[at++] = Hex[b & 0xF];
                    break;
                default:
                    span[at++] = b;
                    break;
            }
        }

        span[at++] = (byte)'"';
        output.Advance(at);
    }
}
