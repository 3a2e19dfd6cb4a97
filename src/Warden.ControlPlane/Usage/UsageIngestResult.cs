namespace Warden.ControlPlane.Usage;

/// <summary>The outcome of one batch.</summary>
/// <param name="Status">What became of it.</param>
/// <param name="Accepted">Events in the batch (when stored).</param>
/// <param name="Inserted">Events that were new (when stored).</param>
/// <param name="Problem">Why it was refused (not stored), naming the field.</param>
public readonly record struct UsageIngestResult(UsageIngestStatus Status, int Accepted, int Inserted, string? Problem);
