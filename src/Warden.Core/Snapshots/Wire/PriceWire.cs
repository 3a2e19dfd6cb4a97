namespace Warden.Core.Snapshots.Wire;

/// <summary>One price entry on the wire (USD per million tokens).</summary>
public sealed class PriceWire
{
    public string Model { get; set; } = "";
    public decimal Input { get; set; }
    public decimal Output { get; set; }
    public decimal CacheRead { get; set; }
    public decimal CacheWrite { get; set; }
}
