using System.Buffers;
using System.Net.Http.Headers;
using Warden.Core.Snapshots;
using Warden.Providers.Abstractions;
using Warden.Providers.Json;

namespace Warden.Providers.Anthropic;

/// <summary>
/// Anthropic Messages API. Clients speak OpenAI chat completions; this adapter translates the request into a
/// Messages request (system prompt, content blocks, images, tools, tool results, stop sequences), and the answer,
/// the event stream and error bodies back into OpenAI format, including cache-read and cache-write usage.
/// Only chat completions exist on Anthropic: legacy completions and embeddings are not supported.
/// </summary>
public sealed class AnthropicAdapter : IProviderAdapter
{
    /// <summary>Settings key of the <c>anthropic-version</c> header.</summary>
    public const string VersionSetting = "anthropic-version";

    /// <summary>API version sent when the provider does not set one.</summary>
    public const string DefaultVersion = "2023-06-01";

    /// <summary>Settings key of the optional <c>anthropic-beta</c> header (comma-separated beta names).</summary>
    public const string BetaSetting = "anthropic-beta";

    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the adapter on the system clock.</summary>
    public AnthropicAdapter()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates the adapter; <paramref name="timeProvider"/> stamps <c>created</c> on translated answers.</summary>
    public AnthropicAdapter(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public ProviderKind Kind => ProviderKind.Anthropic;

    /// <inheritdoc />
    public bool Supports(OperationKind operation) => operation == OperationKind.ChatCompletions;

    /// <inheritdoc />
    public HttpRequestMessage CreateRequest(UpstreamCall upstreamCall)
    {
        ArgumentNullException.ThrowIfNull(upstreamCall);
        if (upstreamCall.Operation != OperationKind.ChatCompletions)
        {
            throw new NotSupportedException($"The Anthropic adapter does not support {upstreamCall.Operation}.");
        }

        var provider = upstreamCall.Target.Provider;
        var body = new ArrayBufferWriter<byte>(upstreamCall.ClientBody.Length + 256);
        AnthropicRequestWriter.Write(upstreamCall.ClientBody.Span, upstreamCall.Target.UpstreamModel, body);
        var content = new ReadOnlyMemoryContent(body.WrittenMemory);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var request = new HttpRequestMessage(HttpMethod.Post, MessagesUri(provider.BaseUrl)) { Content = content };
        if (!string.IsNullOrEmpty(upstreamCall.Credential))
        {
            request.Headers.TryAddWithoutValidation("x-api-key", upstreamCall.Credential);
        }

        var version = provider.Settings.TryGetValue(VersionSetting, out var v) && !string.IsNullOrWhiteSpace(v) ? v : DefaultVersion;
        request.Headers.TryAddWithoutValidation("anthropic-version", version);
        if (provider.Settings.TryGetValue(BetaSetting, out var beta) && !string.IsNullOrWhiteSpace(beta))
        {
            request.Headers.TryAddWithoutValidation("anthropic-beta", beta);
        }

        foreach (var (key, value) in provider.Settings)
        {
            if (key.StartsWith(OpenAi.OpenAiAdapter.HeaderSettingPrefix, StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(key[OpenAi.OpenAiAdapter.HeaderSettingPrefix.Length..], value);
            }
        }

        return request;
    }

    /// <inheritdoc />
    public IStreamTranslator CreateStreamTranslator(UpstreamCall upstreamCall)
    {
        ArgumentNullException.ThrowIfNull(upstreamCall);
        return new AnthropicStreamTranslator(upstreamCall.Facts.ClientIncludeUsage, upstreamCall.Target.UpstreamModel, _timeProvider);
    }

    /// <inheritdoc />
    public ResponseTranslation TranslateResponse(UpstreamCall upstreamCall, ReadOnlySpan<byte> upstreamBody, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(upstreamCall);
        ArgumentNullException.ThrowIfNull(output);
        var created = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (AnthropicResponseWriter.TryWrite(upstreamBody, upstreamCall.Target.UpstreamModel, created, output, out var usage))
        {
            return new ResponseTranslation(usage);
        }

        // A 2xx body that is not a message cannot be answered as a completion; say so in OpenAI's error shape.
        UpstreamErrorWriter.Write(output, 502, upstreamBody, "The upstream provider answered with a body that is not an Anthropic message.");
        return new ResponseTranslation(null);
    }

    /// <inheritdoc />
    public void TranslateError(UpstreamCall upstreamCall, int status, ReadOnlySpan<byte> upstreamBody, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!AnthropicErrorWriter.TryWrite(status, upstreamBody, output))
        {
            UpstreamErrorWriter.Write(output, status, upstreamBody);
        }
    }

    // {BaseUrl}/messages with exactly one slash, e.g. https://api.anthropic.com/v1/messages.
    private static Uri MessagesUri(Uri baseUrl)
    {
        var text = baseUrl.ToString();
        return new Uri(text.EndsWith('/') ? text + "messages" : text + "/messages");
    }
}
