namespace Warden.Core.Snapshots.Wire;

/// <summary>A provider on the wire (a credential reference, never a secret).</summary>
public sealed class ProviderWire
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public ProviderKind Kind { get; set; }
    public string BaseUrl { get; set; } = "";
    public Dictionary<string, string> Settings { get; set; } = [];
    public string? CredentialReference { get; set; }
}
