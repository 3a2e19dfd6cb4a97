using System.Net;
using System.Text;
using System.Text.Json;
using Warden.Gateway.Tests.Harness;

namespace Warden.Gateway.Tests;

/// <summary>A gateway that has not applied a snapshot serves nothing but probes.</summary>
public sealed class NotReadyTests : IAsyncLifetime
{
    private readonly GatewayHarness _harness = new();

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task BeforeFirstSnapshot_ApiAnswers503NotReady_ReadyzFails_HealthzPasses()
    {
        using var http = new HttpClient { BaseAddress = _harness.GatewayUrl };
        using var content = new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

        using var chat = await http.PostAsync("/v1/chat/completions", content);
        using var models = await http.GetAsync("/v1/models");
        using var readyz = await http.GetAsync("/readyz");
        using var healthz = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, chat.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, models.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyz.StatusCode);
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        using var body = JsonDocument.Parse(await chat.Content.ReadAsStringAsync());
        Assert.Equal("not_ready", body.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task AfterSnapshot_ReadyzReportsTheAppliedRevision()
    {
        using var http = new HttpClient { BaseAddress = _harness.GatewayUrl };

        _harness.Apply(new SnapshotFactory(), revision: 42);
        using var readyz = await http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
        Assert.Contains("42", await readyz.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LowerRevisionAfterHigher_IsApplied_SoARestoredDatabaseWins()
    {
        using var http = new HttpClient { BaseAddress = _harness.GatewayUrl };

        _harness.Apply(new SnapshotFactory(), revision: 10);
        _harness.Apply(new SnapshotFactory(), revision: 3);
        using var readyz = await http.GetAsync("/readyz");

        Assert.Contains("\"appliedRevision\":3", await readyz.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
