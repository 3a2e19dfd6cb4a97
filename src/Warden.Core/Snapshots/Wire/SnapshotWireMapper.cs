using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using Warden.Core.Budgets;
using Warden.Core.Pricing;

namespace Warden.Core.Snapshots.Wire;

/// <summary>
/// Turns the wire parts of the snapshot channel into snapshot entries, validating references on the way in: a part
/// that references something it does not contain is rejected whole (<see cref="InvalidDataException"/>) and the
/// previous snapshot stays in force. The control plane uses the same code for its own (and the in-process) snapshot.
/// </summary>
public static class SnapshotWireMapper
{
    /// <summary>The content id of a serialized part: the first 128 bits of its SHA-256, in hex.</summary>
    public static string ContentId(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload).AsSpan(0, 16));

    /// <summary>
    /// Builds the configuration part. Projects and groups whose wire form is unchanged since <paramref name="previous"/>
    /// keep their entry objects, so re-linking consumers and keys touches only what changed.
    /// </summary>
    public static ConfigPart ToConfigPart(ConfigWire wire, string contentId, ConfigPart? previous = null)
    {
        ArgumentNullException.ThrowIfNull(wire);
        if (wire.CounterEpoch is { } epoch && !CounterEpochs.IsValid(epoch))
        {
            // It becomes part of every counter key: nothing but a short hex id is accepted.
            throw new InvalidDataException("The snapshot carries a malformed counter epoch.");
        }

        var fingerprints = new Dictionary<Guid, string>();
        var groups = new List<GroupEntry>(wire.Groups.Count);
        foreach (var g in wire.Groups)
        {
            var fingerprint = ContentId(JsonSerializer.SerializeToUtf8Bytes(g, SnapshotWireJsonContext.Default.GroupWire));
            fingerprints[g.Id] = fingerprint;
            groups.Add(Reuse(previous, previous?.Groups, g.Id, fingerprint) ?? new GroupEntry(
                g.Id, g.Slug, g.AllowedModels?.ToFrozenSet(StringComparer.Ordinal), ToEntry(g.Budget), ToEntry(g.Limit)));
        }

        var projects = new List<ProjectEntry>(wire.Projects.Count);
        foreach (var p in wire.Projects)
        {
            var fingerprint = ContentId(JsonSerializer.SerializeToUtf8Bytes(p, SnapshotWireJsonContext.Default.ProjectWire));
            fingerprints[p.Id] = fingerprint;
            projects.Add(Reuse(previous, previous?.Projects, p.Id, fingerprint) ?? ToEntry(p));
        }

        // The wire carries the database's entries; the shipped defaults are part of this release on both ends.
        var prices = PriceTable.WithOverrides(wire.Prices.Select(p => KeyValuePair.Create(p.Model, new ModelPrice(p.Input, p.Output, p.CacheRead, p.CacheWrite))));
        return new ConfigPart(contentId, projects, groups, prices)
        {
            Fingerprints = fingerprints.ToFrozenDictionary(),
            CounterEpoch = wire.CounterEpoch ?? "",
            PlatformPiiRules = wire.PlatformPiiRules?.ToFrozenDictionary(StringComparer.Ordinal),
        };
    }

    /// <summary>Builds a key part from a full key base, linked to <paramref name="config"/>.</summary>
    public static KeySet ToKeySet(KeyBaseWire wire, string baseId, long sequence, ConfigPart config)
    {
        ArgumentNullException.ThrowIfNull(wire);
        ArgumentNullException.ThrowIfNull(config);
        var consumers = new Dictionary<Guid, ConsumerEntry>(wire.Consumers.Count);
        foreach (var c in wire.Consumers)
        {
            consumers[c.Id] = ToEntry(c, config);
        }

        var keys = new List<KeyEntry>(wire.Keys.Count);
        foreach (var k in wire.Keys)
        {
            keys.Add(ToEntry(k, consumers.TryGetValue(k.ConsumerId, out var consumer) ? consumer : null));
        }

        return KeySet.Create(baseId, sequence, consumers.Values, keys);
    }

    /// <summary>Applies a key delta to <paramref name="keys"/>; the result is at the delta's <c>toSequence</c>.</summary>
    public static KeySet ApplyDelta(KeySet keys, KeyDeltaWire delta, ConfigPart config)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentNullException.ThrowIfNull(config);
        var consumers = new Dictionary<Guid, ConsumerEntry>(delta.Consumers.Count);
        foreach (var c in delta.Consumers)
        {
            consumers[c.Id] = ToEntry(c, config);
        }

        var removedConsumers = delta.RemovedConsumers.ToHashSet();
        var upserted = new List<KeyEntry>(delta.Keys.Count);
        foreach (var k in delta.Keys)
        {
            var consumer = consumers.TryGetValue(k.ConsumerId, out var changed) ? changed
                : removedConsumers.Contains(k.ConsumerId) ? null
                : keys.FindConsumer(k.ConsumerId);
            upserted.Add(ToEntry(k, consumer));
        }

        return keys.Apply(new KeySetChanges(consumers.Values, delta.RemovedConsumers, upserted, delta.RemovedKeys), delta.ToSequence);
    }

    private static T? Reuse<T>(ConfigPart? previous, FrozenDictionary<Guid, T>? entries, Guid id, string fingerprint)
        where T : class =>
        previous?.Fingerprints is { } old && old.TryGetValue(id, out var was) && was == fingerprint && entries!.TryGetValue(id, out var entry) ? entry : null;

    private static ProjectEntry ToEntry(ProjectWire p)
    {
        var providers = p.Providers.ToDictionary(v => v.Id, v => new ProviderEntry(
            v.Id, v.Name, v.Kind, new Uri(v.BaseUrl, UriKind.Absolute), v.Settings.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), v.CredentialReference));
        var routes = p.Routes.ToFrozenDictionary(r => r.LogicalModel, r => new RouteEntry(
            r.LogicalModel,
            r.Strategy,
            [.. r.Targets.Select(t => new RouteTargetEntry(Find(providers, t.ProviderId, "provider"), t.UpstreamModel, t.Weight, TimeSpan.FromMilliseconds(t.TimeoutMs)))],
            r.MaxAttemptsPerTarget,
            TimeSpan.FromMilliseconds(r.RetryBackoffMs)), StringComparer.Ordinal);
        var budgets = p.Budgets.Select(ToEntry).OfType<BudgetEntry>().ToList();
        var limits = p.Limits.Select(ToEntry).OfType<LimitEntry>().ToList();
        var settings = new ProjectSettings(
            budgets.FirstOrDefault(b => b.Scope == PolicyScope.Organization),
            limits.FirstOrDefault(l => l.Scope == PolicyScope.Organization),
            budgets.FirstOrDefault(b => b.Scope == PolicyScope.Project),
            limits.FirstOrDefault(l => l.Scope == PolicyScope.Project),
            budgets.Where(b => b.Scope == PolicyScope.Consumer).ToFrozenDictionary(b => b.ScopeId),
            limits.Where(l => l.Scope == PolicyScope.Consumer).ToFrozenDictionary(l => l.ScopeId),
            p.Guardrails is { } g
                ? new GuardrailSettings([.. g.CuratedPatternIds], [.. g.CustomPatterns.Select(c => new InjectionPatternEntry(c.Id, c.Pattern))], g.PiiRules?.ToFrozenDictionary(StringComparer.Ordinal))
                : null,
            p.Cache is { } c ? new CacheSettings(c.Enabled, TimeSpan.FromSeconds(c.TtlSeconds), c.SimilarityThreshold, c.KeyStrategy) : null,
            p.SemanticGuard is { } s ? new SemanticGuardSettings(s.Enabled, s.Threshold, [.. s.DenyExamples], [.. s.AllowExamples]) : null,
            p.McpServers.ToFrozenDictionary(m => m.Name, m => new McpServerEntry(
                m.Id, m.Name, new Uri(m.BackendUrl, UriKind.Absolute), TimeSpan.FromMilliseconds(m.TimeoutMs), m.CredentialReference, m.Enabled), StringComparer.Ordinal),
            [.. p.GroupIds]);
        return new ProjectEntry(p.Id, p.OrganizationId, p.OrganizationSlug, p.Slug, routes, settings);
    }

    private static BudgetEntry? ToEntry(BudgetWire? b) => b is null ? null : new BudgetEntry(b.Scope, b.ScopeId, b.MonthlyUsd);

    private static LimitEntry? ToEntry(LimitWire? l) => l is null ? null : new LimitEntry(l.Scope, l.ScopeId, l.TokensPerMinute, l.RequestsPerMinute, l.MaxConcurrent);

    private static ConsumerEntry ToEntry(ConsumerWire c, ConfigPart config)
    {
        var project = config.Projects.TryGetValue(c.ProjectId, out var p) ? p
            : throw new InvalidDataException($"The snapshot references a project it does not contain ({c.ProjectId}).");
        var groups = ImmutableArray.CreateBuilder<GroupEntry>(c.GroupIds.Count);
        foreach (var id in c.GroupIds)
        {
            groups.Add(config.Groups.TryGetValue(id, out var g) ? g : throw new InvalidDataException($"The snapshot references a group it does not contain ({id})."));
        }

        return new ConsumerEntry(c.Id, c.Name, project, groups.MoveToImmutable());
    }

    private static KeyEntry ToEntry(KeyWire k, ConsumerEntry? consumer)
    {
        if (consumer is null)
        {
            throw new InvalidDataException($"Key {k.Id} references a consumer the snapshot does not contain ({k.ConsumerId}).");
        }

        if (k.SecretHash.Length != 32)
        {
            throw new InvalidDataException($"Key {k.Id} has a malformed hash.");
        }

        return new KeyEntry(k.Id, k.PublicId, k.SecretHash, consumer, k.ExpiresAt, k.RevokedAt);
    }

    private static T Find<T>(Dictionary<Guid, T> items, Guid id, string what) =>
        items.TryGetValue(id, out var item) ? item : throw new InvalidDataException($"The snapshot references a {what} it does not contain ({id}).");
}
