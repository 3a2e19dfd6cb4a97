namespace Warden.Core.Snapshots;

/// <summary>A batch of changes to a <see cref="KeySet"/>, already linked to entry objects.</summary>
/// <param name="UpsertedConsumers">Consumers created or changed.</param>
/// <param name="RemovedConsumers">Consumers deleted (their keys go with them).</param>
/// <param name="UpsertedKeys">Keys created or changed (a revocation is a change).</param>
/// <param name="RemovedKeys">Public ids of keys deleted.</param>
public sealed record KeySetChanges(
    IReadOnlyCollection<ConsumerEntry> UpsertedConsumers,
    IReadOnlyCollection<Guid> RemovedConsumers,
    IReadOnlyCollection<KeyEntry> UpsertedKeys,
    IReadOnlyCollection<string> RemovedKeys)
{
    /// <summary>Number of entries in the batch.</summary>
    public int Count => UpsertedConsumers.Count + RemovedConsumers.Count + UpsertedKeys.Count + RemovedKeys.Count;
}
