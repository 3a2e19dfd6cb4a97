using Microsoft.Extensions.Time.Testing;
using Warden.Gateway.Credentials;

namespace Warden.Gateway.Tests.Units;

public sealed class CredentialResolverTests
{
    [Fact]
    public void Resolve_EnvReference_ReadsTheVariable()
    {
        var name = "WARDEN_TEST_CRED_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "sk-from-env");
        try
        {
            Assert.Equal("sk-from-env", new CredentialResolver(new FakeTimeProvider()).Resolve("env:" + name));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Resolve_MissingEnvVariable_ThrowsNamingTheVariableNotASecret()
    {
        var ex = Assert.Throws<CredentialUnavailableException>(() => new CredentialResolver(new FakeTimeProvider()).Resolve("env:WARDEN_TEST_DOES_NOT_EXIST"));

        Assert.Contains("WARDEN_TEST_DOES_NOT_EXIST", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_FileReference_ReadsTrimmedContent_AndPicksUpRotationAfterRecheck()
    {
        var time = new FakeTimeProvider();
        var resolver = new CredentialResolver(time);
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, "sk-first\n");

        Assert.Equal("sk-first", resolver.Resolve("file:" + path));
        await File.WriteAllTextAsync(path, "sk-rotated\n");
        Assert.Equal("sk-first", resolver.Resolve("file:" + path));   // cached within the recheck period
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal("sk-rotated", resolver.Resolve("file:" + path));
    }

    [Fact]
    public void Resolve_UnknownScheme_Throws()
    {
        Assert.Throws<CredentialUnavailableException>(() => new CredentialResolver(new FakeTimeProvider()).Resolve("sk-literal-secret"));
    }

    [Fact]
    public void Resolve_NoReference_IsNull()
    {
        Assert.Null(new CredentialResolver(new FakeTimeProvider()).Resolve(null));
    }
}
