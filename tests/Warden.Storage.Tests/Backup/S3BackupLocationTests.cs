using Warden.Storage.Backup;

namespace Warden.Storage.Tests.Backup;

/// <summary>Parsing <c>s3://</c> locations and validating <see cref="S3BackupOptions"/> (no server needed).</summary>
public sealed class S3BackupLocationTests
{
    [Theory]
    [InlineData("s3://warden-backups", "warden-backups", "")]
    [InlineData("s3://warden-backups/", "warden-backups", "")]
    [InlineData("s3://warden-backups/prod", "warden-backups", "prod/")]
    [InlineData("s3://warden-backups/prod/eu-1/", "warden-backups", "prod/eu-1/")]
    [InlineData("s3://my.bucket-2/a%20b", "my.bucket-2", "a b/")]
    public void ParseLocation_ValidLocation_SplitsBucketAndPrefix(string location, string bucket, string prefix)
    {
        var (parsedBucket, parsedPrefix) = S3BackupStore.ParseLocation(new Uri(location));

        Assert.Equal(bucket, parsedBucket);
        Assert.Equal(prefix, parsedPrefix);
    }

    [Theory]
    [InlineData("file:///var/backups")]
    [InlineData("s3://ab")]
    [InlineData("s3://Warden-Backups/prod")]
    [InlineData("s3://warden_backups")]
    [InlineData("s3://-warden")]
    [InlineData("s3://warden-backups:9000/prod")]
    [InlineData("s3://warden-backups/prod?region=eu-west-1")]
    [InlineData("s3://warden-backups/prod//x")]
    [InlineData("s3://warden-backups/prod/../x")]
    public void ParseLocation_InvalidLocation_Throws(string location)
    {
        Assert.Throws<ArgumentException>(() => S3BackupStore.ParseLocation(new Uri(location)));
    }

    [Fact]
    public void Create_LocationWithCredentials_ThrowsWithoutEchoingThem()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            S3BackupStore.Create(new Uri("s3://AKIDEXAMPLE:very-secret-value@warden-backups/prod"), new S3BackupOptions()));

        Assert.DoesNotContain("very-secret-value", ex.Message, StringComparison.Ordinal);
        Assert.Contains("must not carry credentials", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_InvalidOptions_ThrowsNamingTheKeyWithoutTheSecret()
    {
        var options = new S3BackupOptions { Endpoint = "rgw.local:7480", SecretAccessKey = "s3cr3t-value-never-shown", PartSizeMiB = 2 };

        var ex = Assert.Throws<ArgumentException>(() => S3BackupStore.Create(new Uri("s3://warden-backups"), options));

        Assert.Contains("Backup:S3:Endpoint", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Backup:S3:AccessKeyId is required when Backup:S3:SecretAccessKey is set", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Backup:S3:PartSizeMiB", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value-never-shown", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Succeed_AndUseVirtualHostsForAws()
    {
        var options = new S3BackupOptions();

        Assert.True(new S3BackupOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal("us-east-1", options.Region);
        Assert.Equal(16, options.PartSizeMiB);
        Assert.False(options.UsesPathStyle);
    }

    [Fact]
    public void UsesPathStyle_WithEndpoint_DefaultsToTrueAndCanBeTurnedOff()
    {
        Assert.True(new S3BackupOptions { Endpoint = "http://127.0.0.1:7480" }.UsesPathStyle);
        Assert.False(new S3BackupOptions { Endpoint = "https://s3.example.com", ForcePathStyle = false }.UsesPathStyle);
    }

    [Theory]
    [InlineData("https://AKID:secret@rgw.example.com", "must not carry credentials")]
    [InlineData("ftp://rgw.example.com", "is not an absolute http:// or https:// URL")]
    public void Validate_BadEndpoint_NamesTheKey(string endpoint, string expected)
    {
        var result = new S3BackupOptionsValidator("Backup:S3").Validate(null, new S3BackupOptions { Endpoint = endpoint });

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Backup:S3:Endpoint", failure, StringComparison.Ordinal);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SessionTokenWithoutKeys_NamesTheKeysWithoutTheToken()
    {
        var result = new S3BackupOptionsValidator().Validate(null, new S3BackupOptions { SessionToken = "token-value-never-shown", Region = "eu west" });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Backup:S3:SessionToken needs", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Backup:S3:Region", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Failures!, f => f.Contains("token-value-never-shown", StringComparison.Ordinal));
    }
}
