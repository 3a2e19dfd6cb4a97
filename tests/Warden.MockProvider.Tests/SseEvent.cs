using System.Text.Json;

namespace Warden.MockProvider.Tests;

/// <summary>One server-sent event: the optional <c>event:</c> name and the <c>data:</c> text.</summary>
public sealed record SseEvent(string? Name, string Data)
{
    public bool IsDone => Data == "[DONE]";

    public JsonElement Json => JsonDocument.Parse(Data).RootElement.Clone();

    /// <summary>Splits a complete SSE body into events; every event must end with a blank line.</summary>
    public static List<SseEvent> Parse(string body)
    {
        Assert.EndsWith("\n\n", body, StringComparison.Ordinal);
        var events = new List<SseEvent>();
        foreach (var frame in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? name = null;
            string? data = null;
            foreach (var line in frame.Split('\n'))
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line["data: ".Length..];
                }
                else
                {
                    Assert.Fail($"Unexpected SSE line '{line}' in:\n{body}");
                }
            }

            Assert.NotNull(data);
            events.Add(new SseEvent(name, data));
        }

        return events;
    }
}
