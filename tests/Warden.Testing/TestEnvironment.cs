namespace Warden.Testing;

/// <summary>
/// The servers the test command (<c>./test.sh</c>) starts for the suite, read from the environment.
/// A test that needs one and does not find it fails with instructions; it never skips silently.
/// </summary>
public static class TestEnvironment
{
    /// <summary>Admin connection string of the throw-away PostgreSQL server.</summary>
    public static string PostgresAdminConnectionString => Require("WARDEN_TEST_POSTGRES");

    /// <summary><c>host:port</c> of the throw-away Redis server.</summary>
    public static string RedisEndpoint => Require("WARDEN_TEST_REDIS");

    /// <summary>Directory holding the PostgreSQL server binaries (initdb, pg_ctl, pg_dump…).</summary>
    public static string PostgresBinDirectory => Require("WARDEN_TEST_PG_BIN");

    private static string Require(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{name} is not set. Run the suite with ./test.sh, which starts PostgreSQL and Redis, " +
                $"or export {name} to point at a server you run yourself.");
        }

        return value;
    }
}
