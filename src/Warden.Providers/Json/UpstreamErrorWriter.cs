using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Warden.Providers.Json;

/// <summary>Wraps an upstream error that is not in OpenAI format into one, keeping a bounded part of its text.</summary>
public static class UpstreamErrorWriter
{
    private const int MaxMessageBytes = 1024;

    /// <summary>Writes <c>{"error":{"message","type","code","param"}}</c> for an upstream failure.</summary>
    public static void Write(IBufferWriter<byte> output, int status, ReadOnlySpan<byte> upstreamBody, string? message = null)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteStartObject("error"u8);
        var text = message ?? (upstreamBody.IsEmpty
            ? $"The upstream provider answered HTTP {status}."
            : $"The upstream provider answered HTTP {status}: " + Encoding.UTF8.GetString(upstreamBody[..Math.Min(upstreamBody.Length, MaxMessageBytes)]));
        writer.WriteString("message"u8, text);
        writer.WriteString("type"u8, status is >= 400 and < 500 ? "invalid_request_error" : "server_error");
        writer.WriteString("code"u8, "upstream_error");
        writer.WriteNull("param"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
