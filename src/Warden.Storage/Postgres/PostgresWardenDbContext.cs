using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Warden.Storage.Entities;
using Warden.Storage.Mapping;

namespace Warden.Storage.Postgres;

/// <summary>
/// The PostgreSQL flavour: <c>numeric(20,9)</c> money, <c>timestamptz</c> times, <c>jsonb</c> JSON columns,
/// <c>text[]</c> lists. Owns the migrations under <c>Migrations/Postgres</c>.
/// </summary>
internal sealed class PostgresWardenDbContext(DbContextOptions<PostgresWardenDbContext> options) : WardenDbContext(options)
{
    /// <summary>
    /// route_targets → providers. PostgreSQL checks a NO ACTION/RESTRICT foreign key at the end of each cascaded
    /// statement, so deleting a project (cascading to its providers and, separately, its routes' targets) would fail
    /// whenever the providers cascade runs first. The InitialSchema migration therefore makes this one constraint
    /// DEFERRABLE INITIALLY DEFERRED, and <see cref="SaveChangesAsync(bool, CancellationToken)"/> checks it before
    /// returning, so a provider still in use is refused by SaveChanges on both databases alike.
    /// </summary>
    internal const string DeferredProviderForeignKey = "fk_route_targets_providers_provider_id";

    public override DatabaseKind Kind => DatabaseKind.Postgres;

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (!MayViolateDeferredConstraint())
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }

        using var transaction = Database.CurrentTransaction is null ? Database.BeginTransaction() : null;
        var written = base.SaveChanges(acceptAllChangesOnSuccess: false);
        try
        {
            Database.ExecuteSqlRaw(CheckDeferredConstraintSql);
        }
        catch (PostgresException exception)
        {
            throw new DbUpdateException(exception.MessageText, exception);
        }

        transaction?.Commit();
        if (acceptAllChangesOnSuccess)
        {
            ChangeTracker.AcceptAllChanges();
        }

        return written;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (!MayViolateDeferredConstraint())
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        await using var transaction = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
        try
        {
            await Database.ExecuteSqlRawAsync(CheckDeferredConstraintSql, cancellationToken);
        }
        catch (PostgresException exception)
        {
            throw new DbUpdateException(exception.MessageText, exception);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        if (acceptAllChangesOnSuccess)
        {
            ChangeTracker.AcceptAllChanges();
        }

        return written;
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // 11 integer digits, 9 fractional: exact to a nano-dollar, room for any realistic total.
        configurationBuilder.Properties<decimal>().HavePrecision(20, 9);
    }

    private protected override void ConfigureProviderModel(ModelBuilder modelBuilder)
    {
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            if (PropertyBuilderExtensions.IsJsonConverter(property.GetValueConverter()?.GetType()))
            {
                property.SetColumnType("jsonb");
            }
        }
    }

    // Check now, then return the constraint to its declared (deferred) mode for the rest of a caller's transaction.
    private const string CheckDeferredConstraintSql =
        $"SET CONSTRAINTS {DeferredProviderForeignKey} IMMEDIATE; SET CONSTRAINTS {DeferredProviderForeignKey} DEFERRED;";

    /// <summary>Only writes touching these tables can leave the deferred constraint violated.</summary>
    private bool MayViolateDeferredConstraint() =>
        ChangeTracker.Entries().Any(entry =>
            entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
            && entry.Entity is RouteTarget or Provider or Project or Organization);
}
