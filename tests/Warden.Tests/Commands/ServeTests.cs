using System.Net;
using System.Text.Json;
using Warden.Testing;

namespace Warden.Tests.Commands;

/// <summary><c>warden serve</c> as a user runs it: a real process on free ports with a fresh data folder.</summary>
public sealed class ServeTests
{
    [Fact]
    public async Task Serve_Starts_AnswersHealthOnBothUrls_AndStopsCleanlyOnSigterm()
    {
        var dataDir = Directory.CreateTempSubdirectory("warden-serve-").FullName;
        var gatewayUrl = FreePort.NextUrl();
        var controlPlaneUrl = FreePort.NextUrl();
        await using var serve = WardenProcess.Start(["serve", "--data-dir", dataDir, "--gateway-url", Trim(gatewayUrl), "--control-plane-url", Trim(controlPlaneUrl)]);

        await serve.WaitForHttpOkAsync(new Uri(gatewayUrl, "/healthz"));
        await serve.WaitForHttpOkAsync(new Uri(controlPlaneUrl, "/healthz"));
        // The control plane is ready once it has migrated its embedded database.
        await serve.WaitForHttpOkAsync(new Uri(controlPlaneUrl, "/readyz"));
        Assert.True(File.Exists(Path.Combine(dataDir, "warden.db")), "the embedded database file was not created");
        Assert.Contains(Trim(gatewayUrl) + "/v1", serve.Output, StringComparison.Ordinal);

        var exitCode = await serve.StopAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task Serve_GatewayWithoutSnapshot_AnswersNotReadyWithOpenAiErrorBody()
    {
        var dataDir = Directory.CreateTempSubdirectory("warden-serve-").FullName;
        var gatewayUrl = FreePort.NextUrl();
        await using var serve = WardenProcess.Start(["serve", "--data-dir", dataDir, "--gateway-url", Trim(gatewayUrl), "--control-plane-url", Trim(FreePort.NextUrl())]);
        await serve.WaitForHttpOkAsync(new Uri(gatewayUrl, "/healthz"));
        using var http = new HttpClient();

        using var readyz = await http.GetAsync(new Uri(gatewayUrl, "/readyz"));
        using var content = new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json");
        using var chat = await http.PostAsync(new Uri(gatewayUrl, "/v1/chat/completions"), content);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyz.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, chat.StatusCode);
        Assert.True(chat.Headers.Contains("x-request-id"));
        using var body = JsonDocument.Parse(await chat.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("not_ready", error.GetProperty("code").GetString());
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Serve_PortAlreadyInUse_ExitsNonZero()
    {
        using var blocker = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var busyPort = ((IPEndPoint)blocker.LocalEndpoint).Port;

        var (exitCode, output) = await WardenProcess.RunAsync(
            ["serve", "--data-dir", Directory.CreateTempSubdirectory("warden-serve-").FullName, "--gateway-url", $"http://127.0.0.1:{busyPort}", "--control-plane-url", Trim(FreePort.NextUrl())],
            timeout: TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(busyPort.ToString(System.Globalization.CultureInfo.InvariantCulture), output, StringComparison.Ordinal);
    }

    private static string Trim(Uri uri) => uri.ToString().TrimEnd('/');
}
