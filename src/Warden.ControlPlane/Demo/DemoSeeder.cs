using Microsoft.EntityFrameworkCore;
using Warden.Core.Keys;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Demo;

/// <summary>
/// Seeds the demo organization <c>demo</c>, project <c>playground</c>, a <c>mock</c> provider pointing at the built-in
/// mock upstream, routes <c>demo-model</c> and <c>demo-embeddings</c>, and a service consumer <c>demo</c> with a new
/// API key. Safe to run on every start: existing rows are reused, the provider URL is updated, and a new key is issued
/// (keys are shown only once, so an old one cannot be printed again).
/// </summary>
public sealed class DemoSeeder
{
    public const string OrganizationSlug = "demo";
    public const string ProjectSlug = "playground";
    public const string ChatModel = "demo-model";
    public const string EmbeddingModel = "demo-embeddings";

    private readonly IDbContextFactory<WardenDbContext> _contexts;
    private readonly TimeProvider _time;

    public DemoSeeder(IDbContextFactory<WardenDbContext> contexts, TimeProvider time)
    {
        _contexts = contexts;
        _time = time;
    }

    /// <summary>Seeds (or refreshes) the demo and returns a new API key for it.</summary>
    public async Task<string> SeedAsync(Uri mockProviderApiBase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mockProviderApiBase);
        var now = _time.GetUtcNow();
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Slug == OrganizationSlug, cancellationToken);
        if (organization is null)
        {
            organization = new Organization { Slug = OrganizationSlug, Name = "Demo", CreatedAt = now, UpdatedAt = now };
            db.Organizations.Add(organization);
        }

        var project = await db.Projects.SingleOrDefaultAsync(p => p.OrganizationId == organization.Id && p.Slug == ProjectSlug, cancellationToken);
        if (project is null)
        {
            project = new Project
            {
                OrganizationId = organization.Id,
                Slug = ProjectSlug,
                Name = "Playground",
                Description = "Created by warden serve --demo: routes to the built-in mock provider.",
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Projects.Add(project);
        }

        var provider = await db.Providers.SingleOrDefaultAsync(p => p.ProjectId == project.Id && p.Name == "mock", cancellationToken);
        if (provider is null)
        {
            provider = new Provider { ProjectId = project.Id, Name = "mock", Type = ProviderType.Mock, BaseUrl = mockProviderApiBase.ToString(), CreatedAt = now, UpdatedAt = now };
            db.Providers.Add(provider);
        }
        else
        {
            provider.BaseUrl = mockProviderApiBase.ToString();
            provider.UpdatedAt = now;
        }

        await EnsureRouteAsync(db, project, provider, ChatModel, "gpt-4o-mini", now, cancellationToken);
        await EnsureRouteAsync(db, project, provider, EmbeddingModel, "text-embedding-3-small", now, cancellationToken);

        var consumer = await db.Consumers.SingleOrDefaultAsync(c => c.ProjectId == project.Id && c.Name == "demo", cancellationToken);
        if (consumer is null)
        {
            consumer = new Consumer { ProjectId = project.Id, Name = "demo", CreatedAt = now };
            db.Consumers.Add(consumer);
        }

        var key = ApiKeyFormat.Generate();
        db.ApiKeys.Add(new ApiKey
        {
            ConsumerId = consumer.Id,
            PublicId = key.PublicId,
            SecretHash = key.SecretHash,
            Prefix = ApiKeyFormat.DisplayPrefix(key.PublicId),
            Name = "demo key",
            CreatedAt = now,
        });
        db.ConfigRevisions.Add(new ConfigRevision { CreatedAt = now, Reason = "demo seed", Actor = "warden serve --demo" });

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return key.Key;
    }

    private static async Task EnsureRouteAsync(WardenDbContext db, Project project, Provider provider, string logicalModel, string upstreamModel, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var exists = await db.Routes.AnyAsync(r => r.ProjectId == project.Id && r.LogicalModel == logicalModel, cancellationToken);
        if (exists)
        {
            return;
        }

        var route = new Route { ProjectId = project.Id, LogicalModel = logicalModel, Strategy = RouteStrategy.Single, MaxAttempts = 1, BackoffMs = 100, CreatedAt = now, UpdatedAt = now };
        route.Targets.Add(new RouteTarget { RouteId = route.Id, ProviderId = provider.Id, UpstreamModel = upstreamModel, Order = 0, Weight = 1, TimeoutMs = 30_000 });
        db.Routes.Add(route);
    }
}
