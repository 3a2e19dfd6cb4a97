using System.CommandLine;
using Warden.Configuration;
using Warden.MockProvider;

namespace Warden.Commands;

/// <summary><c>warden mock-provider</c>: the deterministic OpenAI- and Anthropic-compatible test upstream.</summary>
internal static class MockProviderCommand
{
    private static readonly Option<string> s_url = new("--url")
    {
        Description = "URL to listen on.",
        HelpName = "URL",
        DefaultValueFactory = _ => "http://127.0.0.1:9090",
    };

    private static readonly Option<int> s_latency = new("--latency")
    {
        Description = "Delay before answering, in milliseconds (per request: header x-mock-latency-ms or model suffix @latency=N).",
        HelpName = "MS",
    };

    private static readonly Option<int> s_chunkInterval = new("--chunk-interval")
    {
        Description = "Delay between streamed chunks, in milliseconds (x-mock-chunk-interval-ms, @chunk-interval=N).",
        HelpName = "MS",
    };

    private static readonly Option<int> s_outputTokens = new("--output-tokens")
    {
        Description = "Completion tokens per answer (x-mock-output-tokens, @tokens=N).",
        HelpName = "N",
        DefaultValueFactory = _ => 16,
    };

    private static readonly Option<int?> s_failStatus = new("--fail-status")
    {
        Description = "Answer every request with this HTTP status and the provider's real error body, e.g. 429, 500, 503 (x-mock-status, @status=N).",
        HelpName = "CODE",
    };

    private static readonly Option<bool> s_hang = new("--hang")
    {
        Description = "Accept requests and never answer, to exercise client timeouts (x-mock-hang: true, @hang).",
    };

    private static readonly Option<int?> s_disconnectAfter = new("--disconnect-after")
    {
        Description = "Streaming: drop the connection after N chunks, without the final chunks (x-mock-disconnect-after, @disconnect=N).",
        HelpName = "CHUNKS",
    };

    private static readonly Option<int> s_embeddingDimensions = new("--embedding-dimensions")
    {
        Description = "Length of embedding vectors (requests may ask for fewer with 'dimensions').",
        HelpName = "N",
        DefaultValueFactory = _ => 8,
    };

    public static Command Create()
    {
        var command = new Command("mock-provider", """
            Run a deterministic LLM upstream for demos, tests and benchmarks. It speaks the OpenAI API
            (/v1/chat/completions incl. SSE streaming and tool calls, /v1/completions, /v1/embeddings, /v1/models)
            and the Anthropic Messages API (/v1/messages incl. streaming events), with realistic bodies and usage.
            Flags set the default behaviour; each request can override it with x-mock-* headers or with directives
            appended to the model name (a gateway forwards the model id it was configured with). GET /mock/stats
            counts requests per path. Full reference: docs/mock-provider.md.

            Examples:
              warden mock-provider --url http://127.0.0.1:9090
              warden mock-provider --latency 20 --chunk-interval 5 --output-tokens 64
              curl localhost:9090/v1/chat/completions -d '{"model":"gpt-4o-mini@status=503","messages":[{"role":"user","content":"hi"}]}'
            """);
        command.Options.Add(s_url);
        command.Options.Add(s_latency);
        command.Options.Add(s_chunkInterval);
        command.Options.Add(s_outputTokens);
        command.Options.Add(s_failStatus);
        command.Options.Add(s_hang);
        command.Options.Add(s_disconnectAfter);
        command.Options.Add(s_embeddingDimensions);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var url = parseResult.GetValue(s_url)!;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ConfigurationException($"--url = '{url}' is not an absolute http:// or https:// URL.");
        }

        var options = new MockProviderOptions
        {
            Url = uri,
            Latency = TimeSpan.FromMilliseconds(parseResult.GetValue(s_latency)),
            ChunkInterval = TimeSpan.FromMilliseconds(parseResult.GetValue(s_chunkInterval)),
            OutputTokens = parseResult.GetValue(s_outputTokens),
            FailStatus = parseResult.GetValue(s_failStatus),
            Hang = parseResult.GetValue(s_hang),
            DisconnectAfterChunks = parseResult.GetValue(s_disconnectAfter),
            EmbeddingDimensions = parseResult.GetValue(s_embeddingDimensions),
        };
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        Console.WriteLine($"Mock provider listening on {uri.ToString().TrimEnd('/')} (OpenAI: /v1/chat/completions, Anthropic: /v1/messages).");
        await MockProviderServer.RunAsync(options, cancellationToken);
        return ExitCodes.Ok;
    }
}
