namespace Warden.Core.Guardrails;

/// <summary>One detected piece of personal data or secret, in UTF-8 byte offsets of the scanned text.</summary>
/// <param name="Start">Offset of the first byte of the match.</param>
/// <param name="Length">Length of the match in bytes (always positive).</param>
/// <param name="Kind">What was detected.</param>
public readonly record struct PiiMatch(int Start, int Length, PiiKind Kind)
{
    /// <summary>Offset just past the last byte of the match.</summary>
    public int End => Start + Length;
}
