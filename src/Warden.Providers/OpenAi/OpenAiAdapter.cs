using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Warden.Core.Snapshots;
using Warden.Providers.Abstractions;
using Warden.Providers.Json;

namespace Warden.Providers.OpenAi;

/// <summary>
/// Any OpenAI-compatible upstream (OpenAI, vLLM, Ollama, DeepSeek, the mock). The client's body is forwarded as is
/// unless the model id or <c>stream_options</c> must change; responses and streams pass through.
/// </summary>
public class OpenAiAdapter : IProviderAdapter
{
    private static readonly ConditionalWeakTable<Uri, ConcurrentDictionary<string, Uri>> s_combined = [];

    /// <summary>Settings key prefix for extra upstream headers (<c>header:OpenAI-Organization</c>).</summary>
    public const string HeaderSettingPrefix = "header:";

    public OpenAiAdapter(ProviderKind kind = ProviderKind.OpenAi)
    {
        Kind = kind;
    }

    /// <inheritdoc />
    public ProviderKind Kind { get; }

    /// <inheritdoc />
    public virtual bool Supports(OperationKind operation) => true;

    /// <inheritdoc />
    public HttpRequestMessage CreateRequest(UpstreamCall upstreamCall)
    {
        ArgumentNullException.ThrowIfNull(upstreamCall);
        var request = new HttpRequestMessage(HttpMethod.Post, BuildUri(upstreamCall))
        {
            Content = CreateBody(upstreamCall),
        };
        AddCredential(request, upstreamCall.Credential);
        foreach (var (key, value) in upstreamCall.Target.Provider.Settings)
        {
            if (key.StartsWith(HeaderSettingPrefix, StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(key[HeaderSettingPrefix.Length..], value);
            }
        }

        return request;
    }

    /// <inheritdoc />
    public IStreamTranslator CreateStreamTranslator(UpstreamCall upstreamCall)
    {
        ArgumentNullException.ThrowIfNull(upstreamCall);
        return new OpenAiStreamTranslator(upstreamCall.Facts.ClientIncludeUsage);
    }

    /// <inheritdoc />
    public ResponseTranslation TranslateResponse(UpstreamCall upstreamCall, ReadOnlySpan<byte> upstreamBody, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(upstreamBody);
        return OpenAiUsageReader.TryRead(upstreamBody, out var usage, out _) ? new ResponseTranslation(usage) : new ResponseTranslation(null);
    }

    /// <inheritdoc />
    public void TranslateError(UpstreamCall upstreamCall, int status, ReadOnlySpan<byte> upstreamBody, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (IsOpenAiError(upstreamBody))
        {
            output.Write(upstreamBody);
            return;
        }

        UpstreamErrorWriter.Write(output, status, upstreamBody);
    }

    /// <summary>The upstream URL for the call.</summary>
    protected virtual Uri BuildUri(UpstreamCall upstreamCall)
    {
        ArgumentNullException.ThrowIfNull(upstreamCall);
        return Combine(upstreamCall.Target.Provider.BaseUrl, OperationPath(upstreamCall.Operation));
    }

    /// <summary>Adds the credential header (OpenAI: <c>Authorization: Bearer</c>).</summary>
    protected virtual void AddCredential(HttpRequestMessage request, string? credential)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrEmpty(credential))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }
    }

    /// <summary>The path of an operation relative to the base URL.</summary>
    protected static string OperationPath(OperationKind operation) => operation switch
    {
        OperationKind.ChatCompletions => "chat/completions",
        OperationKind.Completions => "completions",
        OperationKind.Embeddings => "embeddings",
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    /// <summary>Joins a base URL and a relative path with exactly one slash.</summary>
    protected static Uri Combine(Uri baseUrl, string path)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(path);

        // Built once per provider base URL (an object of the applied snapshot) and path, then shared by every request:
        // a Uri is immutable. The paths come from configuration (operations, deployments), so the set stays small,
        // and it goes away with the snapshot that holds the base URL.
        var byPath = s_combined.GetValue(baseUrl, static _ => new ConcurrentDictionary<string, Uri>(StringComparer.Ordinal));
        return byPath.GetOrAdd(path, static (p, b) =>
        {
            var text = b.ToString();
            return new Uri(text.EndsWith('/') ? text + p : text + "/" + p);
        }, baseUrl);
    }

    private static ReadOnlyMemoryContent CreateBody(UpstreamCall call)
    {
        var facts = call.Facts;
        var injectUsage = facts.Stream && !facts.ClientIncludeUsage && call.Operation != OperationKind.Embeddings;
        var sameModel = string.Equals(facts.Model, call.Target.UpstreamModel, StringComparison.Ordinal);
        ReadOnlyMemory<byte> body;
        if (sameModel && !injectUsage)
        {
            body = call.ClientBody;
        }
        else
        {
            var buffer = new ArrayBufferWriter<byte>(call.ClientBody.Length + 64);
            OpenAiRequestRewriter.Rewrite(call.ClientBody.Span, call.Target.UpstreamModel, injectUsage, buffer);
            body = buffer.WrittenMemory;
        }

        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static bool IsOpenAiError(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("error"u8)
                && reader.Read() && reader.TokenType == JsonTokenType.StartObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
