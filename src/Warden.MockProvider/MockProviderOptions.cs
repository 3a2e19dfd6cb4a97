using System.Globalization;

namespace Warden.MockProvider;

/// <summary>
/// Default behaviour of the mock upstream. Each request can override these with <c>x-mock-*</c> headers or with
/// directives appended to the model name (see <c>docs/mock-provider.md</c>).
/// </summary>
public sealed class MockProviderOptions
{
    /// <summary>Largest accepted <see cref="OutputTokens"/>: bounds the work one request can ask for.</summary>
    public const int MaxOutputTokens = 100_000;

    /// <summary>Largest accepted <see cref="EmbeddingDimensions"/> (and <c>dimensions</c> request parameter).</summary>
    public const int MaxEmbeddingDimensions = 8192;

    /// <summary>Largest accepted delay (<see cref="Latency"/>, <see cref="ChunkInterval"/>).</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    /// <summary>The http:// URL to listen on.</summary>
    public Uri Url { get; set; } = new("http://127.0.0.1:9090");

    /// <summary>Delay before the response headers (and so before the first streamed chunk).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Delay between streamed chunks.</summary>
    public TimeSpan ChunkInterval { get; set; }

    /// <summary>Completion tokens (words) each answer produces, unless the request's <c>max_tokens</c> is smaller.</summary>
    public int OutputTokens { get; set; } = 16;

    /// <summary>When set, every API request is answered with this status (400-599) and the provider's real error body.</summary>
    public int? FailStatus { get; set; }

    /// <summary>Accept every API request and never answer it, until the client gives up.</summary>
    public bool Hang { get; set; }

    /// <summary>Streaming only: abort the connection after this many chunks, without the final chunks.</summary>
    public int? DisconnectAfterChunks { get; set; }

    /// <summary>Length of embedding vectors; a request may ask for another length with <c>dimensions</c>.</summary>
    public int EmbeddingDimensions { get; set; } = 8;

    /// <summary>Checks every option and returns one message per bad option, naming its command-line flag.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Url is null || !Url.IsAbsoluteUri || Url.Scheme != Uri.UriSchemeHttp)
        {
            errors.Add($"--url must be an absolute http:// URL (the mock provider does not serve TLS), got '{Url}'.");
        }
        else if (Url.AbsolutePath != "/" || !string.IsNullOrEmpty(Url.Query))
        {
            errors.Add($"--url must not have a path or query (the API is served at /v1), got '{Url}'.");
        }

        if (Latency < TimeSpan.Zero || Latency > MaxDelay)
        {
            errors.Add(Invariant($"--latency must be between 0 and {MaxDelay.TotalMilliseconds} ms, got {Latency.TotalMilliseconds}."));
        }

        if (ChunkInterval < TimeSpan.Zero || ChunkInterval > MaxDelay)
        {
            errors.Add(Invariant($"--chunk-interval must be between 0 and {MaxDelay.TotalMilliseconds} ms, got {ChunkInterval.TotalMilliseconds}."));
        }

        if (OutputTokens is < 0 or > MaxOutputTokens)
        {
            errors.Add(Invariant($"--output-tokens must be between 0 and {MaxOutputTokens}, got {OutputTokens}."));
        }

        if (FailStatus is { } status && status is < 400 or > 599)
        {
            errors.Add(Invariant($"--fail-status must be 400-599, got {status}."));
        }

        if (DisconnectAfterChunks is < 0)
        {
            errors.Add(Invariant($"--disconnect-after must be 0 or more chunks, got {DisconnectAfterChunks}."));
        }

        if (EmbeddingDimensions is < 1 or > MaxEmbeddingDimensions)
        {
            errors.Add(Invariant($"--embedding-dimensions must be between 1 and {MaxEmbeddingDimensions}, got {EmbeddingDimensions}."));
        }

        return errors;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
