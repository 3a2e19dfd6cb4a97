namespace Warden.Gateway.Usage;

/// <summary>One spooled batch, as read back for re-sending.</summary>
/// <param name="Segment">The segment file's number.</param>
/// <param name="Index">The record's position in its segment.</param>
/// <param name="Payload">The batch JSON exactly as it would have been sent.</param>
/// <param name="EventCount">Events in the batch.</param>
public readonly record struct SpoolRecord(long Segment, int Index, ReadOnlyMemory<byte> Payload, int EventCount);
