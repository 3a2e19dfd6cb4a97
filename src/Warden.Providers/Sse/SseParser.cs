using System.Buffers;

namespace Warden.Providers.Sse;

/// <summary>Parses the fields of one raw event (as framed by <see cref="SseFraming"/>).</summary>
public static class SseParser
{
    /// <summary>
    /// Parses <paramref name="rawEvent"/>. The usual single <c>data:</c> line is returned as a slice of the input;
    /// only multi-line data is joined, into <paramref name="scratch"/> (reused by the caller, so no allocation per event).
    /// Comment lines (<c>:</c>) and unknown fields are ignored, as the SSE specification requires.
    /// </summary>
    public static SseEvent Parse(ReadOnlySpan<byte> rawEvent, ArrayBufferWriter<byte> scratch)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        ReadOnlySpan<byte> name = default;
        ReadOnlySpan<byte> data = default;
        var dataLines = 0;
        var rest = rawEvent;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty || line[0] == (byte)':')
            {
                continue;
            }

            var colon = line.IndexOf((byte)':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? default : line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }

            if (field.SequenceEqual("data"u8))
            {
                dataLines++;
                if (dataLines == 1)
                {
                    data = value;
                }
                else
                {
                    if (dataLines == 2)
                    {
                        scratch.ResetWrittenCount();
                        scratch.Write(data);
                    }

                    scratch.Write("\n"u8);
                    scratch.Write(value);
                }
            }
            else if (field.SequenceEqual("event"u8))
            {
                name = value;
            }
        }

        return new SseEvent(name, dataLines > 1 ? scratch.WrittenSpan : data);
    }
}
