namespace Warden.Core.Snapshots.Wire;

/// <summary>A project's semantic guard on the wire.</summary>
public sealed class SemanticGuardWire
{
    public bool Enabled { get; set; }
    public double Threshold { get; set; }
    public List<string> DenyExamples { get; set; } = [];
    public List<string> AllowExamples { get; set; } = [];
}
