using Warden.Core.Configuration;

namespace Warden.Core.Tests.Configuration;

public sealed class OptionChecksTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("https://gateway.example.com")]
    [InlineData("http://0.0.0.0:80")]
    public void HttpUrl_Valid_AddsNoError(string url)
    {
        var errors = new List<string>();

        OptionChecks.HttpUrl(errors, "Gateway:Url", url);

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("htp:/x")]
    [InlineData("localhost:8080")]
    [InlineData("ftp://example.org")]
    [InlineData("/relative")]
    public void HttpUrl_Invalid_NamesKeyAndValue(string url)
    {
        var errors = new List<string>();

        OptionChecks.HttpUrl(errors, "Gateway:Url", url);

        var error = Assert.Single(errors);
        Assert.StartsWith("Gateway:Url", error, StringComparison.Ordinal);
        Assert.Contains(url, error, StringComparison.Ordinal);
    }

    [Fact]
    public void HttpUrl_MissingButRequired_SaysRequired()
    {
        var errors = new List<string>();

        OptionChecks.HttpUrl(errors, "Gateway:ControlPlaneUrl", null, required: true);

        Assert.Contains("Gateway:ControlPlaneUrl is required", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_TooShort_DoesNotEchoTheValue()
    {
        var errors = new List<string>();

        OptionChecks.Secret(errors, "ControlPlane:InternalToken", "tiny-secret", required: true);

        var error = Assert.Single(errors);
        Assert.DoesNotContain("tiny-secret", error, StringComparison.Ordinal);
        Assert.StartsWith("ControlPlane:InternalToken", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1023, 1)]
    [InlineData(1024, 0)]
    [InlineData(1L << 30, 0)]
    [InlineData((1L << 30) + 1, 1)]
    public void Range_ChecksBothBounds(long value, int expectedErrors)
    {
        var errors = new List<string>();

        OptionChecks.Range(errors, "Gateway:MaxRequestBytes", value, 1024, 1L << 30);

        Assert.Equal(expectedErrors, errors.Count);
    }
}
