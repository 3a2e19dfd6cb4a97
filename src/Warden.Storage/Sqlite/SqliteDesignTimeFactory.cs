using Microsoft.EntityFrameworkCore.Design;

namespace Warden.Storage.Sqlite;

/// <summary>
/// Lets <c>dotnet ef migrations add … --context SqliteWardenDbContext</c> build the model. Commands that connect read
/// <c>WARDEN_EF_SQLITE</c>.
/// </summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteWardenDbContext>
{
    public SqliteWardenDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("WARDEN_EF_SQLITE") ?? "Data Source=warden-design.db";
        return new SqliteWardenDbContext(WardenDbContextFactory.BuildSqliteOptions(connectionString, loggerFactory: null));
    }
}
