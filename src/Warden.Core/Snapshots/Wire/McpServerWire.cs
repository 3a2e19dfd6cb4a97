namespace Warden.Core.Snapshots.Wire;

/// <summary>An MCP server on the wire (a credential reference, never a secret).</summary>
public sealed class McpServerWire
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string BackendUrl { get; set; } = "";
    public int TimeoutMs { get; set; }
    public string? CredentialReference { get; set; }
    public bool Enabled { get; set; }
}
