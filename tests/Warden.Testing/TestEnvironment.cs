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

    /// <summary>Service URL of the throw-away S3-compatible server (Ceph RADOS Gateway), e.g. <c>http://127.0.0.1:7480</c>.</summary>
    public static string S3Endpoint => Require("WARDEN_TEST_S3_ENDPOINT");

    /// <summary>Access key id of the S3 test user.</summary>
    public static string S3AccessKey => Require("WARDEN_TEST_S3_ACCESS_KEY");

    /// <summary>Secret access key of the S3 test user.</summary>
    public static string S3SecretKey => Require("WARDEN_TEST_S3_SECRET_KEY");

    private static string Require(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{name} is not set. Run the suite with ./test.sh, which starts PostgreSQL, Redis and an S3-compatible server " +
                "(eng/rgw.sh), " +
                $"or export {name} to point at a server you run yourself.");
        }

        return value;
    }
}
