using Microsoft.AspNetCore.Http;
using Warden.MockProvider.Controls;

namespace Warden.MockProvider.Tests.Controls;

public sealed class RequestControlsParserTests
{
    private static readonly RequestControls s_defaults = RequestControls.From(new MockProviderOptions());

    [Fact]
    public void TryResolve_NoDirectivesNoHeaders_KeepsDefaultsAndModel()
    {
        Assert.True(RequestControlsParser.TryResolve(s_defaults, "gpt-4o-mini", new HeaderDictionary(), out var controls, out var model, out var error));

        Assert.Equal(s_defaults, controls);
        Assert.Equal("gpt-4o-mini", model);
        Assert.Null(error);
    }

    [Fact]
    public void TryResolve_EveryModelDirective_OverridesDefaultsAndIsRemovedFromTheModel()
    {
        var ok = RequestControlsParser.TryResolve(
            s_defaults,
            "mock@latency=20@chunk-interval=5@tokens=7@status=503@hang@disconnect=2@cached=64",
            new HeaderDictionary(),
            out var controls,
            out var model,
            out _);

        Assert.True(ok);
        Assert.Equal("mock", model);
        Assert.Equal(new RequestControls(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(5), 7, 503, true, 2, 64), controls);
    }

    [Fact]
    public void TryResolve_SegmentThatIsNoDirective_StaysInTheModelName()
    {
        Assert.True(RequestControlsParser.TryResolve(s_defaults, "claude-3-5-sonnet@20240620@tokens=3", new HeaderDictionary(), out var controls, out var model, out _));

        Assert.Equal("claude-3-5-sonnet@20240620", model);
        Assert.Equal(3, controls.OutputTokens);
    }

    [Fact]
    public void TryResolve_EveryHeader_OverridesDefaults()
    {
        var headers = new HeaderDictionary
        {
            ["x-mock-latency-ms"] = "30",
            ["x-mock-chunk-interval-ms"] = "4",
            ["x-mock-output-tokens"] = "9",
            ["x-mock-status"] = "429",
            ["x-mock-hang"] = "true",
            ["x-mock-disconnect-after"] = "0",
            ["x-mock-cached-tokens"] = "128",
        };

        Assert.True(RequestControlsParser.TryResolve(s_defaults, "m", headers, out var controls, out _, out _));

        Assert.Equal(new RequestControls(TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(4), 9, 429, true, 0, 128), controls);
    }

    [Fact]
    public void TryResolve_HeaderAndDirective_HeaderWins()
    {
        var headers = new HeaderDictionary { ["x-mock-output-tokens"] = "2" };

        Assert.True(RequestControlsParser.TryResolve(s_defaults, "mock@tokens=5", headers, out var controls, out _, out _));

        Assert.Equal(2, controls.OutputTokens);
    }

    [Fact]
    public void TryResolve_HangFalseHeader_OverridesServerHang()
    {
        var defaults = s_defaults with { Hang = true };

        Assert.True(RequestControlsParser.TryResolve(defaults, "m", new HeaderDictionary { ["x-mock-hang"] = "false" }, out var controls, out _, out _));

        Assert.False(controls.Hang);
    }

    [Theory]
    [InlineData("mock@status=200", "model directive @status")]
    [InlineData("mock@status=abc", "model directive @status")]
    [InlineData("mock@latency=-5", "model directive @latency")]
    [InlineData("mock@tokens=", "model directive @tokens")]
    [InlineData("mock@disconnect", "model directive @disconnect")]
    [InlineData("mock@hang=maybe", "model directive @hang")]
    public void TryResolve_BadDirectiveValue_FailsNamingTheDirective(string rawModel, string expected)
    {
        Assert.False(RequestControlsParser.TryResolve(s_defaults, rawModel, new HeaderDictionary(), out _, out _, out var error));

        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-mock-status", "99")]
    [InlineData("x-mock-status", "600")]
    [InlineData("x-mock-latency-ms", "1.5")]
    [InlineData("x-mock-output-tokens", "+3")]
    [InlineData("x-mock-disconnect-after", "-1")]
    [InlineData("x-mock-hang", "yes please")]
    public void TryResolve_BadHeaderValue_FailsNamingTheHeader(string header, string value)
    {
        Assert.False(RequestControlsParser.TryResolve(s_defaults, "m", new HeaderDictionary { [header] = value }, out _, out _, out var error));

        Assert.StartsWith(header + " must be", error, StringComparison.Ordinal);
    }
}
