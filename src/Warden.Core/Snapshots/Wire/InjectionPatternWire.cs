namespace Warden.Core.Snapshots.Wire;

/// <summary>A custom prompt-injection regex on the wire.</summary>
public sealed class InjectionPatternWire
{
    public string Id { get; set; } = "";
    public string Pattern { get; set; } = "";
}
