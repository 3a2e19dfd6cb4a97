using System.Buffers;
using Warden.Providers.Abstractions;
using Warden.Providers.Sse;

namespace Warden.Providers.Tests.TestSupport;

/// <summary>
/// Plays an SSE transcript through <see cref="SseFraming"/>, <see cref="SseParser"/> and a translator the way the
/// gateway's relay loop does: bytes arrive in chunks, unconsumed bytes stay as separate segments, and reading stops
/// once the translator reports the end.
/// </summary>
internal static class SseReplay
{
    /// <summary>Feeds the whole transcript at once.</summary>
    public static byte[] Whole(byte[] transcript, IStreamTranslator translator) => Run(transcript, translator, null);

    /// <summary>Feeds the transcript in chunks of 1..64 bytes chosen by <paramref name="seed"/>.</summary>
    public static byte[] Chunked(byte[] transcript, IStreamTranslator translator, int seed) => Run(transcript, translator, new Random(seed));

    /// <summary>Frames and parses the transcript in random chunks and returns (name, data) per event.</summary>
    public static List<(string Name, string Data)> Events(byte[] transcript, int seed)
    {
        var events = new List<(string, string)>();
        var scratch = new ArrayBufferWriter<byte>();
        Frame(transcript, new Random(seed), raw =>
        {
            var parsed = SseParser.Parse(raw, scratch);
            events.Add((System.Text.Encoding.UTF8.GetString(parsed.Name), System.Text.Encoding.UTF8.GetString(parsed.Data)));
            return true;
        });
        return events;
    }

    private static byte[] Run(byte[] transcript, IStreamTranslator translator, Random? random)
    {
        var output = new ArrayBufferWriter<byte>();
        var scratch = new ArrayBufferWriter<byte>();
        var ended = Frame(transcript, random, raw =>
        {
            var parsed = SseParser.Parse(raw, scratch);
            translator.OnEvent(parsed, raw, output);
            return !translator.IsFinished;
        });
        if (ended)
        {
            translator.OnCompleted(output);
        }

        return output.WrittenSpan.ToArray();
    }

    // Returns true when the transcript ran out (rather than the callback asking to stop).
    private static bool Frame(byte[] transcript, Random? random, Func<byte[], bool> onEvent)
    {
        var pending = new List<byte[]>();
        var offset = 0;
        while (offset < transcript.Length)
        {
            var size = random is null ? transcript.Length : Math.Min(random.Next(1, 65), transcript.Length - offset);
            pending.Add(transcript.AsSpan(offset, size).ToArray());
            offset += size;

            var buffer = BufferSegment.Sequence(pending);
            while (SseFraming.TryReadEvent(ref buffer, out var raw))
            {
                if (!onEvent(raw.ToArray()))
                {
                    return false;
                }
            }

            pending.Clear();
            foreach (var segment in buffer)
            {
                if (!segment.IsEmpty)
                {
                    pending.Add(segment.ToArray());
                }
            }
        }

        return true;
    }
}
