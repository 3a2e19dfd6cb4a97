namespace Warden.Core.Usage;

/// <summary>The control plane's answer to an accepted usage batch (the rows are durable when it is sent).</summary>
/// <param name="Accepted">Events in the batch.</param>
/// <param name="Inserted">Events that were new; the rest were already in the ledger (a re-sent batch).</param>
public sealed record UsageIngestReply(int Accepted, int Inserted);
