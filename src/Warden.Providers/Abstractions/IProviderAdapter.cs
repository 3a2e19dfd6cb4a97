using System.Buffers;
using Warden.Core.Snapshots;

namespace Warden.Providers.Abstractions;

/// <summary>
/// Speaks one upstream protocol. Clients always speak OpenAI to the gateway; an adapter builds the upstream request,
/// and translates the upstream's answers (complete bodies, streams and errors) back into OpenAI format.
/// Adapters are stateless singletons.
/// </summary>
public interface IProviderAdapter
{
    /// <summary>The protocol this adapter speaks.</summary>
    ProviderKind Kind { get; }

    /// <summary>Whether the adapter supports <paramref name="operation"/> (e.g. Anthropic has no embeddings).</summary>
    bool Supports(OperationKind operation);

    /// <summary>Builds the upstream HTTP request (URL, headers incl. credential, body).</summary>
    HttpRequestMessage CreateRequest(UpstreamCall upstreamCall);

    /// <summary>Creates the translator for a streaming answer.</summary>
    IStreamTranslator CreateStreamTranslator(UpstreamCall upstreamCall);

    /// <summary>Translates a complete successful upstream body into the client's OpenAI-format body.</summary>
    ResponseTranslation TranslateResponse(UpstreamCall upstreamCall, ReadOnlySpan<byte> upstreamBody, IBufferWriter<byte> output);

    /// <summary>
    /// Translates an upstream error body (status ≥ 400) into an OpenAI-format error body, keeping the upstream's message.
    /// </summary>
    void TranslateError(UpstreamCall upstreamCall, int status, ReadOnlySpan<byte> upstreamBody, IBufferWriter<byte> output);
}
