using Microsoft.EntityFrameworkCore.Design;

namespace Warden.Storage.Postgres;

/// <summary>
/// Lets <c>dotnet ef migrations add … --context PostgresWardenDbContext</c> build the model. Adding a migration never
/// connects; commands that do (<c>database update</c>) read <c>WARDEN_EF_POSTGRES</c>.
/// </summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresWardenDbContext>
{
    public PostgresWardenDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("WARDEN_EF_POSTGRES") ?? "Host=localhost;Database=warden;Username=warden";
        return new PostgresWardenDbContext(WardenDbContextFactory.BuildPostgresOptions(connectionString, loggerFactory: null));
    }
}
