using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Warden.MockProvider.Http;

namespace Warden.MockProvider.OpenAi;

/// <summary>
/// <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>. The mock answers any model name, so the list is only a
/// sample and retrieving any id succeeds. Requests carrying <c>anthropic-version</c> get Anthropic's list shape.
/// </summary>
internal static class ModelsEndpoint
{
    /// <summary>The sample models: id, creation time (Unix seconds, fixed so answers are deterministic), owner, Anthropic display name.</summary>
    public static readonly IReadOnlyList<(string Id, long Created, string OwnedBy, string DisplayName)> Models =
    [
        ("gpt-4o", 1715367049, "system", "GPT-4o"),
        ("gpt-4o-mini", 1721172741, "system", "GPT-4o mini"),
        ("gpt-4.1-mini", 1744318173, "system", "GPT-4.1 mini"),
        ("o3-mini", 1737146383, "system", "o3-mini"),
        ("text-embedding-3-small", 1705948997, "system", "text-embedding-3-small"),
        ("text-embedding-3-large", 1705953180, "system", "text-embedding-3-large"),
        ("claude-sonnet-4-5", 1759104000, "anthropic", "Claude Sonnet 4.5"),
        ("claude-3-5-haiku-latest", 1729555200, "anthropic", "Claude Haiku 3.5"),
        ("mock", 1704067200, "warden", "Warden mock"),
    ];

    private const long DefaultCreated = 1704067200;

    public static Task ListAsync(MockExchange exchange)
    {
        if (IsAnthropic(exchange.Context))
        {
            return exchange.WriteJsonAsync(0, static (writer, _) =>
            {
                writer.WriteStartObject();
                writer.WriteStartArray("data");
                foreach (var model in Models)
                {
                    WriteAnthropicModel(writer, model.Id, model.Created, model.DisplayName);
                }

                writer.WriteEndArray();
                writer.WriteBoolean("has_more", false);
                writer.WriteString("first_id", Models[0].Id);
                writer.WriteString("last_id", Models[^1].Id);
                writer.WriteEndObject();
            });
        }

        return exchange.WriteJsonAsync(0, static (writer, _) =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var model in Models)
            {
                WriteOpenAiModel(writer, model.Id, model.Created, model.OwnedBy);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    public static Task GetAsync(MockExchange exchange)
    {
        var id = exchange.Context.Request.RouteValues["id"] as string ?? "";
        var known = Models.FirstOrDefault(m => m.Id == id);
        var created = known.Id is null ? DefaultCreated : known.Created;
        return IsAnthropic(exchange.Context)
            ? exchange.WriteJsonAsync((Id: id, Created: created, Name: known.DisplayName ?? id), static (writer, m) => WriteAnthropicModel(writer, m.Id, m.Created, m.Name))
            : exchange.WriteJsonAsync((Id: id, Created: created, Owner: known.OwnedBy ?? "warden"), static (writer, m) => WriteOpenAiModel(writer, m.Id, m.Created, m.Owner));
    }

    private static bool IsAnthropic(HttpContext context) => context.Request.Headers.ContainsKey("anthropic-version");

    private static void WriteOpenAiModel(Utf8JsonWriter writer, string id, long created, string ownedBy)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", created);
        writer.WriteString("owned_by", ownedBy);
        writer.WriteEndObject();
    }

    private static void WriteAnthropicModel(Utf8JsonWriter writer, string id, long created, string displayName)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "model");
        writer.WriteString("id", id);
        writer.WriteString("display_name", displayName);
        writer.WriteString("created_at", DateTimeOffset.FromUnixTimeSeconds(created).UtcDateTime);
        writer.WriteEndObject();
    }
}
