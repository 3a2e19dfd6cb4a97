using System.Buffers;

namespace Warden.Providers.Sse;

/// <summary>
/// Finds complete server-sent events in a byte buffer as it arrives, without copying: an event ends at an empty
/// line (<c>\n\n</c> or <c>\r\n\r\n</c>).
/// </summary>
public static class SseFraming
{
    /// <summary>
    /// If <paramref name="buffer"/> starts with a complete event, returns it (including its terminating empty line)
    /// and advances <paramref name="buffer"/> past it.
    /// </summary>
    public static bool TryReadEvent(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> rawEvent)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryReadTo(out ReadOnlySpan<byte> line, (byte)'\n'))
        {
            if (line.IsEmpty || (line.Length == 1 && line[0] == (byte)'\r'))
            {
                if (reader.Consumed == line.Length + 1)
                {
                    // A stray empty line before any field: skip it, events never start empty.
                    buffer = buffer.Slice(reader.Position);
                    reader = new SequenceReader<byte>(buffer);
                    continue;
                }

                rawEvent = buffer.Slice(0, reader.Position);
                buffer = buffer.Slice(reader.Position);
                return true;
            }
        }

        rawEvent = default;
        return false;
    }
}
