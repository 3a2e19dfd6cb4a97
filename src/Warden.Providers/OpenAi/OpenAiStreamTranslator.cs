using System.Buffers;
using Warden.Core.Usage;
using Warden.Providers.Abstractions;
using Warden.Providers.Json;
using Warden.Providers.Sse;

namespace Warden.Providers.OpenAi;

/// <summary>
/// Pass-through of an OpenAI-format stream: every event is copied byte for byte, except the dedicated usage chunk
/// (<c>choices: []</c>) that the gateway asked for on the client's behalf, which is read and then dropped when the
/// client did not ask for usage itself. A usage object that arrives on a chunk that still carries choices is read and
/// the chunk is kept.
/// </summary>
public sealed class OpenAiStreamTranslator : IStreamTranslator
{
    private readonly bool _clientIncludeUsage;

    public OpenAiStreamTranslator(bool clientIncludeUsage)
    {
        _clientIncludeUsage = clientIncludeUsage;
    }

    /// <inheritdoc />
    public TokenUsage? Usage { get; private set; }

    /// <inheritdoc />
    public bool IsFinished { get; private set; }

    /// <inheritdoc />
    public string? UpstreamError { get; private set; }

    /// <inheritdoc />
    public void OnEvent(in SseEvent sseEvent, ReadOnlySpan<byte> rawEvent, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (sseEvent.IsDone)
        {
            IsFinished = true;
            output.Write(rawEvent);
            return;
        }

        var data = sseEvent.Data;
        if (OpenAiUsageReader.MayContainUsage(data) && OpenAiUsageReader.TryRead(data, out var usage, out var choicesEmpty))
        {
            Usage = usage;
            if (choicesEmpty && !_clientIncludeUsage)
            {
                return;
            }
        }
        else if (data.StartsWith("{\"error\""u8))
        {
            UpstreamError = "upstream reported an error in the stream";
        }

        output.Write(rawEvent);
    }

    /// <inheritdoc />
    public void OnCompleted(IBufferWriter<byte> output)
    {
    }
}
