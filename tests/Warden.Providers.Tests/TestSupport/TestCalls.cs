using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Warden.Core.Snapshots;
using Warden.Providers.Abstractions;

namespace Warden.Providers.Tests.TestSupport;

/// <summary>Builds providers, targets and upstream calls the way the gateway does.</summary>
internal static class TestCalls
{
    public static ProviderEntry Provider(ProviderKind kind, string baseUrl, params (string Key, string Value)[] settings) =>
        new(Guid.Parse("6f1c1c52-5d0e-4b8e-9a51-0c6b7c1f0e01"), "test-provider", kind, new Uri(baseUrl),
            settings.ToFrozenDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal), "env:TEST_KEY");

    public static UpstreamCall Call(ProviderEntry provider, string upstreamModel, byte[] clientBody, string? credential = "sk-test",
        OperationKind operation = OperationKind.ChatCompletions) => new()
        {
            Operation = operation,
            ClientBody = clientBody,
            Facts = FactsOf(clientBody),
            Target = new RouteTargetEntry(provider, upstreamModel, 1, TimeSpan.FromSeconds(30)),
            Credential = credential,
        };

    /// <summary>The facts the gateway's request peeker would collect (test code may use a DOM).</summary>
    public static RequestFacts FactsOf(byte[] clientBody)
    {
        var node = JsonNode.Parse(clientBody)!.AsObject();
        return new RequestFacts
        {
            Model = Get<string>(node["model"]) ?? "",
            Stream = Get<bool>(node["stream"]),
            ClientIncludeUsage = node["stream_options"] is JsonObject options && Get<bool>(options["include_usage"]),
            MaxTokens = Get<int?>(node["max_completion_tokens"]) ?? Get<int?>(node["max_tokens"]),
            N = Get<int?>(node["n"]),
        };
    }

    // Lenient: a field of the wrong type is treated as absent, as the tests of malformed bodies need.
    private static T? Get<T>(JsonNode? node) => node is JsonValue value && value.TryGetValue<T>(out var result) ? result : default;

    public static async Task<byte[]> ReadBodyAsync(HttpRequestMessage request) =>
        request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync();

    public static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
