namespace Warden.Providers.Sse;

/// <summary>One parsed server-sent event: its <c>event:</c> name (empty when absent) and its <c>data:</c> payload.</summary>
/// <param name="name">The event name bytes.</param>
/// <param name="data">The data bytes (multiple data lines joined with '\n').</param>
public readonly ref struct SseEvent(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
{
    /// <summary>The event name bytes (empty when the event had no <c>event:</c> line).</summary>
    public ReadOnlySpan<byte> Name { get; } = name;

    /// <summary>The data payload.</summary>
    public ReadOnlySpan<byte> Data { get; } = data;

    /// <summary>True for OpenAI's terminal <c>data: [DONE]</c>.</summary>
    public bool IsDone => Data.SequenceEqual("[DONE]"u8);
}
