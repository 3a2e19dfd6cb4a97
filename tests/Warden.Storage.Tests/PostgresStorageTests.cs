using Microsoft.EntityFrameworkCore;
using Warden.Storage.Tests.Fixtures;

namespace Warden.Storage.Tests;

/// <summary>The shared storage behaviour against a real PostgreSQL server, plus what only PostgreSQL does.</summary>
public sealed class PostgresStorageTests(PostgresStorageFixture fixture) : StorageTests(fixture), IClassFixture<PostgresStorageFixture>
{
    [Fact]
    public async Task Migration_ProviderForeignKey_IsDeferredSoProjectCascadesPass()
    {
        await using var context = Fixture.NewContext();

        var flags = await context.Database
            .SqlQuery<string>($"SELECT condeferrable::text || ',' || condeferred::text AS \"Value\" FROM pg_constraint WHERE conname = 'fk_route_targets_providers_provider_id'")
            .SingleAsync();

        // If a later migration rebuilds this foreign key, it must make it DEFERRABLE INITIALLY DEFERRED again.
        Assert.Equal("true,true", flags);
    }

    [Fact]
    public async Task Provider_DeleteInCallersTransactionWhileInUse_IsRejectedBySaveChanges()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.Organization, graph.Project, graph.Provider, graph.Route, graph.RouteTarget);
        await using var context = Fixture.NewContext();
        await using var transaction = await context.Database.BeginTransactionAsync();
        context.Providers.Remove(await context.Providers.SingleAsync(p => p.Id == graph.Provider.Id));

        var exception = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());

        Fixture.AssertForeignKeyViolation(exception);
    }

    [Fact]
    public async Task Project_DeleteThenMoreWorkInCallersTransaction_Commits()
    {
        var first = new DomainGraph();
        var second = new DomainGraph();
        await SaveAsync(first.All);
        await SaveAsync(second.Organization, second.Project, second.Provider, second.Route, second.RouteTarget);
        await using (var context = Fixture.NewContext())
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            context.Projects.Remove(await context.Projects.SingleAsync(p => p.Id == first.Project.Id));
            await context.SaveChangesAsync();
            // The constraint is deferred again after the check: a second cascading delete in the same transaction works.
            context.Projects.Remove(await context.Projects.SingleAsync(p => p.Id == second.Project.Id));
            await context.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await using var check = Fixture.NewContext();
        Assert.False(await check.Projects.AnyAsync(p => p.Id == first.Project.Id || p.Id == second.Project.Id));
        Assert.False(await check.Providers.AnyAsync(p => p.Id == first.Provider.Id || p.Id == second.Provider.Id));
    }
}
