namespace Warden.Core.Snapshots;

/// <summary>An MCP backend proxied at <c>/mcp/{org}.{project}/{name}</c>.</summary>
/// <param name="Id">Server id.</param>
/// <param name="Name">URL segment, unique in the project.</param>
/// <param name="BackendUrl">The backend's streamable-HTTP endpoint.</param>
/// <param name="Timeout">Request timeout.</param>
/// <param name="CredentialReference">Where the upstream credential lives (never the value).</param>
/// <param name="Enabled">Whether the server is exposed.</param>
public sealed record McpServerEntry(Guid Id, string Name, Uri BackendUrl, TimeSpan Timeout, string? CredentialReference, bool Enabled);
