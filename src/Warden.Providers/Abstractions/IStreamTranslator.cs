using System.Buffers;
using Warden.Core.Usage;

using Warden.Providers.Sse;

namespace Warden.Providers.Abstractions;

/// <summary>
/// Turns one upstream server-sent-event stream into the client's OpenAI-format stream, event by event, and picks up
/// the usage on the way. One instance per attempt; not thread-safe.
/// </summary>
public interface IStreamTranslator
{
    /// <summary>
    /// Handles one complete upstream event and writes zero or more client events to <paramref name="output"/>.
    /// <paramref name="rawEvent"/> is the event as received (lines and the terminating blank line) so pass-through
    /// translators can copy it without re-encoding.
    /// </summary>
    void OnEvent(in SseEvent sseEvent, ReadOnlySpan<byte> rawEvent, IBufferWriter<byte> output);

    /// <summary>Called when the upstream stream ended normally; may write closing events (e.g. <c>[DONE]</c>).</summary>
    void OnCompleted(IBufferWriter<byte> output);

    /// <summary>Usage reported by the upstream so far (null until the provider reported it).</summary>
    TokenUsage? Usage { get; }

    /// <summary>True once the upstream signalled the end of the answer (e.g. <c>[DONE]</c> or <c>message_stop</c>).</summary>
    bool IsFinished { get; }

    /// <summary>
    /// An error the upstream reported inside the stream (e.g. Anthropic's <c>error</c> event), or null.
    /// </summary>
    string? UpstreamError { get; }
}
