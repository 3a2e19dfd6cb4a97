using System.Collections.Frozen;
using System.Collections.Immutable;
using Warden.Core.Pricing;

namespace Warden.Core.Snapshots.Wire;

/// <summary>Converts between <see cref="ConfigSnapshot"/> and its wire form, validating references on the way in.</summary>
public static class SnapshotWireMapper
{
    /// <summary>Flattens a snapshot for sending.</summary>
    public static SnapshotWire ToWire(ConfigSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var providers = new Dictionary<Guid, ProviderEntry>();
        var groups = new Dictionary<Guid, GroupEntry>();
        var consumers = new Dictionary<Guid, ConsumerEntry>();
        foreach (var project in snapshot.Projects.Values)
        {
            foreach (var target in project.Routes.Values.SelectMany(r => r.Targets))
            {
                providers.TryAdd(target.Provider.Id, target.Provider);
            }
        }

        foreach (var key in snapshot.Keys.Values)
        {
            consumers.TryAdd(key.Consumer.Id, key.Consumer);
            foreach (var group in key.Consumer.Groups)
            {
                groups.TryAdd(group.Id, group);
            }
        }

        return new SnapshotWire
        {
            Revision = snapshot.Revision,
            Providers = [.. providers.Values.OrderBy(p => p.Id).Select(p => new ProviderWire
            {
                Id = p.Id,
                Name = p.Name,
                Kind = p.Kind,
                BaseUrl = p.BaseUrl.ToString(),
                Settings = p.Settings.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value),
                CredentialReference = p.CredentialReference,
            })],
            Projects = [.. snapshot.Projects.Values.OrderBy(p => p.Id).Select(p => new ProjectWire
            {
                Id = p.Id,
                OrganizationId = p.OrganizationId,
                OrganizationSlug = p.OrganizationSlug,
                Slug = p.Slug,
                Routes = [.. p.Routes.Values.OrderBy(r => r.LogicalModel, StringComparer.Ordinal).Select(r => new RouteWire
                {
                    LogicalModel = r.LogicalModel,
                    Strategy = r.Strategy,
                    MaxAttemptsPerTarget = r.MaxAttemptsPerTarget,
                    RetryBackoffMs = (int)r.RetryBackoff.TotalMilliseconds,
                    Targets = [.. r.Targets.Select(t => new RouteTargetWire
                    {
                        ProviderId = t.Provider.Id,
                        UpstreamModel = t.UpstreamModel,
                        Weight = t.Weight,
                        TimeoutMs = (int)t.Timeout.TotalMilliseconds,
                    })],
                })],
            })],
            Groups = [.. groups.Values.OrderBy(g => g.Id).Select(g => new GroupWire
            {
                Id = g.Id,
                Slug = g.Slug,
                AllowedModels = g.AllowedModels?.Order(StringComparer.Ordinal).ToList(),
            })],
            Consumers = [.. consumers.Values.OrderBy(c => c.Id).Select(c => new ConsumerWire
            {
                Id = c.Id,
                Name = c.Name,
                ProjectId = c.Project.Id,
                GroupIds = [.. c.Groups.Select(g => g.Id)],
            })],
            Keys = [.. snapshot.Keys.Values.OrderBy(k => k.Id).Select(k => new KeyWire
            {
                Id = k.Id,
                PublicId = k.PublicId,
                SecretHash = k.SecretHash,
                ConsumerId = k.Consumer.Id,
                ExpiresAt = k.ExpiresAt,
                RevokedAt = k.RevokedAt,
            })],
            Prices = [.. snapshot.Prices.Entries.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => new PriceWire
            {
                Model = p.Key,
                Input = p.Value.InputPerMillion,
                Output = p.Value.OutputPerMillion,
                CacheRead = p.Value.CacheReadPerMillion,
                CacheWrite = p.Value.CacheWritePerMillion,
            })],
        };
    }

    /// <summary>
    /// Re-links a received snapshot. Throws <see cref="InvalidDataException"/> when it references something it does not
    /// contain: a gateway applies a snapshot whole or not at all.
    /// </summary>
    public static ConfigSnapshot FromWire(SnapshotWire wire, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(wire);
        var providers = wire.Providers.ToDictionary(p => p.Id, p => new ProviderEntry(
            p.Id, p.Name, p.Kind, new Uri(p.BaseUrl, UriKind.Absolute), p.Settings.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), p.CredentialReference));
        var projects = wire.Projects.ToDictionary(p => p.Id, p => new ProjectEntry(
            p.Id,
            p.OrganizationId,
            p.OrganizationSlug,
            p.Slug,
            p.Routes.ToFrozenDictionary(r => r.LogicalModel, r => new RouteEntry(
                r.LogicalModel,
                r.Strategy,
                [.. r.Targets.Select(t => new RouteTargetEntry(Find(providers, t.ProviderId, "provider"), t.UpstreamModel, t.Weight, TimeSpan.FromMilliseconds(t.TimeoutMs)))],
                r.MaxAttemptsPerTarget,
                TimeSpan.FromMilliseconds(r.RetryBackoffMs)), StringComparer.Ordinal)));
        var groups = wire.Groups.ToDictionary(g => g.Id, g => new GroupEntry(g.Id, g.Slug, g.AllowedModels?.ToFrozenSet(StringComparer.Ordinal)));
        var consumers = wire.Consumers.ToDictionary(c => c.Id, c => new ConsumerEntry(
            c.Id, c.Name, Find(projects, c.ProjectId, "project"), [.. c.GroupIds.Select(id => Find(groups, id, "group"))]));
        var keys = wire.Keys.Select(k => k.SecretHash.Length == 32
            ? new KeyEntry(k.Id, k.PublicId, k.SecretHash, Find(consumers, k.ConsumerId, "consumer"), k.ExpiresAt, k.RevokedAt)
            : throw new InvalidDataException($"Key {k.Id} has a malformed hash."));
        var prices = new PriceTable(wire.Prices.Select(p => KeyValuePair.Create(p.Model, new ModelPrice(p.Input, p.Output, p.CacheRead, p.CacheWrite))));
        return new ConfigSnapshot(wire.Revision, receivedAt, keys.ToList(), projects.Values, prices);
    }

    private static T Find<T>(Dictionary<Guid, T> items, Guid id, string what) =>
        items.TryGetValue(id, out var item) ? item : throw new InvalidDataException($"The snapshot references a {what} it does not contain ({id}).");
}
