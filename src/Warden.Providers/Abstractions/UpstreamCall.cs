using Warden.Core.Snapshots;

namespace Warden.Providers.Abstractions;

/// <summary>One attempt to serve a client request on one route target.</summary>
public sealed class UpstreamCall
{
    /// <summary>The operation.</summary>
    public required OperationKind Operation { get; init; }

    /// <summary>The client's original OpenAI-format body (read once, never re-read).</summary>
    public required ReadOnlyMemory<byte> ClientBody { get; init; }

    /// <summary>Facts peeked from the body.</summary>
    public required RequestFacts Facts { get; init; }

    /// <summary>The target: provider and upstream model.</summary>
    public required RouteTargetEntry Target { get; init; }

    /// <summary>The resolved credential for the provider, or null if it needs none.</summary>
    public string? Credential { get; init; }
}
