using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// The outcome of a connection test: whether the provider's model list answered 2xx, the status, the time it took,
/// the first model ids, and otherwise an error that names neither the credential nor its reference.
/// </summary>
public sealed record ProviderTestResult(bool Ok, int? Status, long LatencyMs, IReadOnlyList<string> Models, string? Error);

/// <summary>
/// "Test connection": resolves the credential reference in the control plane's process and lists the provider's
/// models with the same URL layout and credential header the gateway's adapter uses. The control plane must therefore
/// see the same environment variables or secret files as the gateways for the test to be meaningful.
/// </summary>
public static class ProviderConnectionTest
{
    /// <summary>How long a test waits for the provider.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Most model ids a result lists.</summary>
    public const int MaxModels = 20;

    // A model list is tens of kilobytes; the bound keeps a misbehaving endpoint from filling memory.
    private const int MaxResponseBytes = 4 * 1024 * 1024;

    private const string DefaultAzureApiVersion = "2024-10-21";
    private const string DefaultAnthropicVersion = "2023-06-01";

    // One pooled client for all tests. Redirects are not followed so a credential never reaches another host.
    private static readonly HttpClient s_http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = Timeout,
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    private static readonly JsonSerializerOptions s_modelListOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Runs one test. Never throws for provider trouble; cancellation of the admin request propagates.</summary>
    public static async Task<ProviderTestResult> RunAsync(ProviderType type, string baseUrl, IReadOnlyDictionary<string, string> settings,
        IReadOnlyDictionary<string, string> headers, string? credentialReference, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(time);
        var (secret, credentialError) = await ProviderCredentials.ResolveAsync(credentialReference, cancellationToken);
        if (credentialError is not null)
        {
            return new ProviderTestResult(false, null, 0, [], credentialError);
        }

        using var request = BuildRequest(type, baseUrl, settings, headers, secret);
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = time.GetTimestamp();
        try
        {
            using var response = await s_http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                // The upstream's error body is not echoed: some providers quote part of the key they rejected.
                return new ProviderTestResult(false, status, Elapsed(time, started), [],
                    string.Create(CultureInfo.InvariantCulture, $"The provider answered HTTP {status}{(string.IsNullOrEmpty(response.ReasonPhrase) ? "" : " " + response.ReasonPhrase)}."));
            }

            var models = await ReadModelsAsync(response, linked.Token);
            return new ProviderTestResult(true, status, Elapsed(time, started), models, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new ProviderTestResult(false, null, Elapsed(time, started), [], $"The provider did not answer within {Timeout.TotalSeconds:0} seconds.");
        }
        catch (HttpRequestException ex)
        {
            return new ProviderTestResult(false, null, Elapsed(time, started), [], $"The request to the provider failed ({ex.HttpRequestError}).");
        }
        catch (JsonException)
        {
            return new ProviderTestResult(false, null, Elapsed(time, started), [], "The provider's model list is not the expected JSON.");
        }
    }

    /// <summary>The model-list request for the provider type, with its credential header and extra headers.</summary>
    public static HttpRequestMessage BuildRequest(ProviderType type, string baseUrl, IReadOnlyDictionary<string, string> settings,
        IReadOnlyDictionary<string, string> headers, string? secret)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(headers);
        var path = type switch
        {
            ProviderType.AzureOpenAi => "openai/models?api-version=" + Uri.EscapeDataString(settings.GetValueOrDefault("api-version") ?? DefaultAzureApiVersion),
            _ => "models",
        };
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl.EndsWith('/') ? baseUrl + path : baseUrl + "/" + path));
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        switch (type)
        {
            case ProviderType.AzureOpenAi:
                AddIfPresent(request, "api-key", secret);
                break;
            case ProviderType.Anthropic:
                AddIfPresent(request, "x-api-key", secret);
                request.Headers.TryAddWithoutValidation("anthropic-version", settings.GetValueOrDefault("anthropic-version") ?? DefaultAnthropicVersion);
                AddIfPresent(request, "anthropic-beta", settings.GetValueOrDefault("anthropic-beta"));
                break;
            case ProviderType.Gemini:
                AddIfPresent(request, "x-goog-api-key", secret);
                break;
            default:
                if (!string.IsNullOrEmpty(secret))
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
                }

                break;
        }

        return request;
    }

    private static void AddIfPresent(HttpRequestMessage request, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    // OpenAI, Azure OpenAI and Anthropic list models as data[].id; Gemini as models[].name.
    private static async Task<IReadOnlyList<string>> ReadModelsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new JsonException("The model list is too large.");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                throw new JsonException("The model list is too large.");
            }

            buffer.Write(chunk, 0, read);
        }

        var list = JsonSerializer.Deserialize<ModelList>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), s_modelListOptions)
            ?? throw new JsonException("The model list is null.");
        var ids = (list.Data ?? []).Select(m => m.Id).Concat((list.Models ?? []).Select(m => m.Name));
        return [.. ids.Where(id => !string.IsNullOrEmpty(id)).Select(id => id!).Take(MaxModels)];
    }

    private static long Elapsed(TimeProvider time, long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;

    private sealed record ModelList([property: JsonPropertyName("data")] List<ModelItem>? Data, [property: JsonPropertyName("models")] List<ModelItem>? Models);

    private sealed record ModelItem([property: JsonPropertyName("id")] string? Id, [property: JsonPropertyName("name")] string? Name);
}
