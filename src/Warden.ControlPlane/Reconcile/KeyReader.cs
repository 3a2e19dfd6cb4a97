using Microsoft.EntityFrameworkCore;
using Warden.Core.Snapshots.Wire;
using Warden.Storage;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// Reads the key part (consumers with their effective groups, API keys) from the database: all of it for a full
/// build, or just the rows a change touched for a delta.
/// </summary>
internal static class KeyReader
{
    /// <summary>Ids per round trip of an <c>IN (…)</c> query.</summary>
    private const int Chunk = 1000;

    public static async Task<(Dictionary<Guid, ConsumerWire> Consumers, Dictionary<Guid, KeyWire> Keys)> ReadAllAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        var groups = await GroupResolver.LoadAsync(db, cancellationToken);
        var consumers = new Dictionary<Guid, ConsumerWire>();
        await foreach (var c in db.Consumers.AsNoTracking().Select(c => new { c.Id, c.Name, c.ProjectId, c.UserId }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            consumers[c.Id] = new ConsumerWire { Id = c.Id, Name = c.Name, ProjectId = c.ProjectId, GroupIds = groups.For(c.ProjectId, c.UserId) };
        }

        var keys = new Dictionary<Guid, KeyWire>(consumers.Count);
        await foreach (var k in db.ApiKeys.AsNoTracking()
            .Select(k => new KeyWire { Id = k.Id, PublicId = k.PublicId, SecretHash = k.SecretHash, ConsumerId = k.ConsumerId, ExpiresAt = k.ExpiresAt, RevokedAt = k.RevokedAt })
            .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            keys[k.Id] = k;
        }

        return (consumers, keys);
    }

    /// <summary>The consumers with the given ids that still exist.</summary>
    public static async Task<List<ConsumerWire>> ReadConsumersAsync(WardenDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var result = new List<ConsumerWire>(ids.Count);
        if (ids.Count == 0)
        {
            return result;
        }

        var groups = await GroupResolver.LoadAsync(db, cancellationToken);
        foreach (var chunk in ids.Chunk(Chunk))
        {
            var rows = await db.Consumers.AsNoTracking().Where(c => chunk.Contains(c.Id))
                .Select(c => new { c.Id, c.Name, c.ProjectId, c.UserId }).ToListAsync(cancellationToken);
            result.AddRange(rows.Select(c => new ConsumerWire { Id = c.Id, Name = c.Name, ProjectId = c.ProjectId, GroupIds = groups.For(c.ProjectId, c.UserId) }));
        }

        return result;
    }

    /// <summary>Every consumer that belongs to a user, with its current effective groups (after a group or membership change).</summary>
    public static async Task<List<ConsumerWire>> ReadUserConsumersAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        var groups = await GroupResolver.LoadAsync(db, cancellationToken);
        var rows = await db.Consumers.AsNoTracking().Where(c => c.UserId != null)
            .Select(c => new { c.Id, c.Name, c.ProjectId, c.UserId }).ToListAsync(cancellationToken);
        return [.. rows.Select(c => new ConsumerWire { Id = c.Id, Name = c.Name, ProjectId = c.ProjectId, GroupIds = groups.For(c.ProjectId, c.UserId) })];
    }

    /// <summary>The keys with the given ids that still exist.</summary>
    public static async Task<List<KeyWire>> ReadKeysAsync(WardenDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var result = new List<KeyWire>(ids.Count);
        foreach (var chunk in ids.Chunk(Chunk))
        {
            result.AddRange(await db.ApiKeys.AsNoTracking().Where(k => chunk.Contains(k.Id))
                .Select(k => new KeyWire { Id = k.Id, PublicId = k.PublicId, SecretHash = k.SecretHash, ConsumerId = k.ConsumerId, ExpiresAt = k.ExpiresAt, RevokedAt = k.RevokedAt })
                .ToListAsync(cancellationToken));
        }

        return result;
    }

    /// <summary>A consumer's groups are its user's groups that are assigned to the consumer's project.</summary>
    private sealed class GroupResolver
    {
        private readonly ILookup<Guid, Guid> _groupsOfUser;
        private readonly ILookup<Guid, Guid> _groupsOfProject;

        private GroupResolver(ILookup<Guid, Guid> groupsOfUser, ILookup<Guid, Guid> groupsOfProject)
        {
            _groupsOfUser = groupsOfUser;
            _groupsOfProject = groupsOfProject;
        }

        public static async Task<GroupResolver> LoadAsync(WardenDbContext db, CancellationToken cancellationToken)
        {
            var memberships = await db.GroupMemberships.AsNoTracking().Select(m => new { m.UserId, m.GroupId }).ToListAsync(cancellationToken);
            var assignments = await db.ProjectGroups.AsNoTracking().Select(pg => new { pg.ProjectId, pg.GroupId }).ToListAsync(cancellationToken);
            return new GroupResolver(memberships.ToLookup(m => m.UserId, m => m.GroupId), assignments.ToLookup(a => a.ProjectId, a => a.GroupId));
        }

        public List<Guid> For(Guid projectId, Guid? userId)
        {
            if (userId is not { } user || !_groupsOfProject.Contains(projectId))
            {
                return [];
            }

            var assigned = _groupsOfProject[projectId];
            return [.. _groupsOfUser[user].Where(assigned.Contains).Distinct().Order()];
        }
    }
}
