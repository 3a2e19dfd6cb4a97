using System.ClientModel.Primitives;
using System.Collections.Concurrent;

namespace Warden.Gateway.Tests.Sdk;

/// <summary>
/// A pipeline policy for the OpenAI .NET SDK that remembers the gateway's <c>x-request-id</c> of every response, so
/// streaming calls (whose result hides the raw response) can be matched to their usage events.
/// </summary>
internal sealed class RequestIdRecorder : PipelinePolicy
{
    private readonly ConcurrentQueue<string> _ids = new();

    public IReadOnlyList<string> Ids => [.. _ids];

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ProcessNext(message, pipeline, currentIndex);
        Record(message);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
        Record(message);
    }

    private void Record(PipelineMessage message)
    {
        if (message.Response is { } response && response.Headers.TryGetValue("x-request-id", out var id) && !string.IsNullOrEmpty(id))
        {
            _ids.Enqueue(id);
        }
    }
}
