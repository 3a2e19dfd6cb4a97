using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Warden.Storage.Postgres;
using Warden.Storage.Sqlite;

namespace Warden.Storage;

/// <summary>
/// Creates <see cref="WardenDbContext"/> instances for the configured database. Thread-safe; register it as a
/// singleton (<see cref="StorageServiceCollectionExtensions.AddWardenStorage"/> does).
/// </summary>
public sealed class WardenDbContextFactory : IDbContextFactory<WardenDbContext>
{
    private readonly DbContextOptions _contextOptions;

    /// <summary>Creates a factory for <paramref name="options"/>.</summary>
    /// <param name="options">Database kind and connection string.</param>
    /// <param name="loggerFactory">Where EF Core logs go; none when null.</param>
    public WardenDbContextFactory(StorageOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _contextOptions = options.Kind switch
        {
            DatabaseKind.Postgres => BuildPostgresOptions(options.ConnectionString, loggerFactory),
            DatabaseKind.Sqlite => BuildSqliteOptions(options.ConnectionString, loggerFactory),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown database kind."),
        };
    }

    /// <summary>The options the factory was created with.</summary>
    public StorageOptions Options { get; }

    /// <summary>A new context; the caller disposes it.</summary>
    public WardenDbContext CreateDbContext() => Options.Kind switch
    {
        DatabaseKind.Postgres => new PostgresWardenDbContext((DbContextOptions<PostgresWardenDbContext>)_contextOptions),
        _ => new SqliteWardenDbContext((DbContextOptions<SqliteWardenDbContext>)_contextOptions),
    };

    internal static DbContextOptions<PostgresWardenDbContext> BuildPostgresOptions(string connectionString, ILoggerFactory? loggerFactory)
    {
        var builder = new DbContextOptionsBuilder<PostgresWardenDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(typeof(WardenDbContext).Assembly.GetName().Name));
        return Finish(builder, loggerFactory).Options;
    }

    internal static DbContextOptions<SqliteWardenDbContext> BuildSqliteOptions(string connectionString, ILoggerFactory? loggerFactory)
    {
        var builder = new DbContextOptionsBuilder<SqliteWardenDbContext>()
            .UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(WardenDbContext).Assembly.GetName().Name));
        return Finish(builder, loggerFactory).Options;
    }

    private static DbContextOptionsBuilder<TContext> Finish<TContext>(DbContextOptionsBuilder<TContext> builder, ILoggerFactory? loggerFactory)
        where TContext : DbContext
    {
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder;
    }
}
