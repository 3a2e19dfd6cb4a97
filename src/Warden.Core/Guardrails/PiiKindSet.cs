namespace Warden.Core.Guardrails;

/// <summary>A set of <see cref="PiiKind"/> values as a bit mask (immutable, no allocation).</summary>
internal readonly record struct PiiKindSet(uint Mask)
{
    public bool Has(PiiKind kind) => (Mask & (1u << (int)kind)) != 0;

    public PiiKindSet With(PiiKind kind) => new(Mask | (1u << (int)kind));

    public bool IsEmpty => Mask == 0;
}
