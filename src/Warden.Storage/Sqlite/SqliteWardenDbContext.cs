using Microsoft.EntityFrameworkCore;

namespace Warden.Storage.Sqlite;

/// <summary>
/// The SQLite flavour. SQLite cannot compare or order <see cref="DateTimeOffset"/> nor aggregate <see cref="decimal"/>
/// in SQL, so both are stored as integers (UTC unix microseconds; nano-USD) that it compares, orders and sums
/// natively — the same LINQ then runs server-side on both databases. Owns the migrations under <c>Migrations/Sqlite</c>.
/// </summary>
internal sealed class SqliteWardenDbContext(DbContextOptions<SqliteWardenDbContext> options) : WardenDbContext(options)
{
    public override DatabaseKind Kind => DatabaseKind.Sqlite;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMicrosecondsConverter>();
        configurationBuilder.Properties<decimal>().HaveConversion<NanoUsdConverter>();
    }

    private protected override void ConfigureProviderModel(ModelBuilder modelBuilder)
    {
        // JSON columns stay TEXT; lists are EF primitive collections (JSON TEXT on SQLite).
    }
}
