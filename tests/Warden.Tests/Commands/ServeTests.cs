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
    public async Task ServeDemo_PrintsKeyAndCurlLine_WritesDemoJson_AndTheKeyWorksThroughTheGateway()
    {
        var dataDir = Directory.CreateTempSubdirectory("warden-demo-").FullName;
        var gatewayUrl = FreePort.NextUrl();
        await using var serve = WardenProcess.Start(["serve", "--demo", "--data-dir", dataDir, "--gateway-url", Trim(gatewayUrl), "--control-plane-url", Trim(FreePort.NextUrl())]);
        await serve.WaitForHttpOkAsync(new Uri(gatewayUrl, "/readyz"));
        var demoFile = Path.Combine(dataDir, "demo.json");
        await WaitForFileAsync(demoFile, serve);

        using var demo = JsonDocument.Parse(await File.ReadAllTextAsync(demoFile));
        var apiKey = demo.RootElement.GetProperty("apiKey").GetString()!;
        var model = demo.RootElement.GetProperty("model").GetString()!;
        var apiBase = demo.RootElement.GetProperty("gatewayUrl").GetString()!;
        Assert.Equal(Trim(gatewayUrl) + "/v1", apiBase);
        Assert.StartsWith("wdn_", apiKey, StringComparison.Ordinal);
        Assert.Contains(apiKey, serve.Output, StringComparison.Ordinal);
        Assert.Contains("curl " + apiBase + "/chat/completions", serve.Output, StringComparison.Ordinal);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, apiBase + "/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"Hello!"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("chat.completion", body.RootElement.GetProperty("object").GetString());
        Assert.Equal(0, await serve.StopAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ServeDemo_SecondStartOnSameData_IssuesANewWorkingKey()
    {
        var dataDir = Directory.CreateTempSubdirectory("warden-demo-").FullName;
        var first = await RunDemoOnceAsync(dataDir);
        var second = await RunDemoOnceAsync(dataDir);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Serve_InvalidKey_Is401WithOpenAiErrorBody()
    {
        var dataDir = Directory.CreateTempSubdirectory("warden-serve-").FullName;
        var gatewayUrl = FreePort.NextUrl();
        await using var serve = WardenProcess.Start(["serve", "--data-dir", dataDir, "--gateway-url", Trim(gatewayUrl), "--control-plane-url", Trim(FreePort.NextUrl())]);
        await serve.WaitForHttpOkAsync(new Uri(gatewayUrl, "/readyz"));
        using var http = new HttpClient();
        using var content = new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json");

        using var chat = await http.PostAsync(new Uri(gatewayUrl, "/v1/chat/completions"), content);

        Assert.Equal(HttpStatusCode.Unauthorized, chat.StatusCode);
        Assert.True(chat.Headers.Contains("x-request-id"));
        using var body = JsonDocument.Parse(await chat.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
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
    [Fact]
    public async Task Serve_CreatesALocalBreakGlassAdminOnce_WhoseTokenDrivesTheAdminApi_AndTheKeyItIssuesWorks()
    {
        var dataDir = Directory.CreateTempSubdirectory("warden-breakglass-").FullName;
        var gatewayUrl = FreePort.NextUrl();
        var controlPlaneUrl = FreePort.NextUrl();
        string token;
        await using (var serve = WardenProcess.Start(["serve", "--data-dir", dataDir, "--gateway-url", Trim(gatewayUrl), "--control-plane-url", Trim(controlPlaneUrl)]))
        {
            token = await WaitForOutputAsync(serve, new System.Text.RegularExpressions.Regex("Admin API token \\(shown once[^:]*: (wat_[a-z0-9_]+)"));
            using var admin = new HttpClient { BaseAddress = controlPlaneUrl };
            admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/orgs", Json("""{"slug":"local","name":"Local"}"""))).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/orgs/local/projects", Json("""{"slug":"p","name":"P"}"""))).StatusCode);
            var consumer = await admin.PostAsync("/api/orgs/local/projects/p/consumers", Json("""{"name":"svc"}"""));
            using var consumerBody = JsonDocument.Parse(await consumer.Content.ReadAsStringAsync());
            var key = await admin.PostAsync("/api/orgs/local/projects/p/keys", Json($$"""{"consumerId":"{{consumerBody.RootElement.GetProperty("id").GetString()}}"}"""));
            Assert.Equal(HttpStatusCode.Created, key.StatusCode);
            using var keyBody = JsonDocument.Parse(await key.Content.ReadAsStringAsync());
            var apiKey = keyBody.RootElement.GetProperty("key").GetString()!;

            // The new key reaches the in-process gateway through the same snapshot interfaces as a cluster.
            using var gateway = new HttpClient();
            var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
            HttpStatusCode status;
            do
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, Trim(gatewayUrl) + "/v1/models");
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
                status = (await gateway.SendAsync(request)).StatusCode;
            }
            while (status != HttpStatusCode.OK && DateTimeOffset.UtcNow < deadline && await Delay());

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(0, await serve.StopAsync(TimeSpan.FromSeconds(30)));
        }

        await using (var again = WardenProcess.Start(["serve", "--data-dir", dataDir, "--gateway-url", Trim(gatewayUrl), "--control-plane-url", Trim(controlPlaneUrl)]))
        {
            await WaitForOutputAsync(again, new System.Text.RegularExpressions.Regex("Press Ctrl-C to stop"));
            Assert.DoesNotContain("break-glass platform admin created", again.Output, StringComparison.Ordinal);
            using var admin = new HttpClient { BaseAddress = controlPlaneUrl };
            admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/orgs/local")).StatusCode);
            Assert.Equal(0, await again.StopAsync(TimeSpan.FromSeconds(30)));
        }
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static async Task<bool> Delay()
    {
        await Task.Delay(50);
        return true;
    }

    private static async Task<string> WaitForOutputAsync(WardenProcess process, System.Text.RegularExpressions.Regex pattern)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var match = pattern.Match(process.Output);
            if (match.Success)
            {
                return match.Groups.Count > 1 ? match.Groups[1].Value : match.Value;
            }

            Assert.False(process.HasExited, "warden exited early:\n" + process.Output);
            await Task.Delay(100);
        }

        throw new TimeoutException("Output did not show " + pattern + ":\n" + process.Output);
    }

    private static async Task<string> RunDemoOnceAsync(string dataDir)
    {
        var gatewayUrl = FreePort.NextUrl();
        var demoFile = Path.Combine(dataDir, "demo.json");
        File.Delete(demoFile);
        await using var serve = WardenProcess.Start(["serve", "--demo", "--data-dir", dataDir, "--gateway-url", Trim(gatewayUrl), "--control-plane-url", Trim(FreePort.NextUrl())]);
        await WaitForFileAsync(demoFile, serve);
        using var demo = JsonDocument.Parse(await File.ReadAllTextAsync(demoFile));
        var key = demo.RootElement.GetProperty("apiKey").GetString()!;
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, Trim(gatewayUrl) + "/v1/models");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await serve.StopAsync(TimeSpan.FromSeconds(30)));
        return key;
    }

    private static async Task WaitForFileAsync(string path, WardenProcess process)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            Assert.False(process.HasExited, "warden exited early:\n" + process.Output);
            await Task.Delay(100, cts.Token);
        }

        // The file is written in one go after seeding; give the writer a moment to close it.
        await Task.Delay(100, cts.Token);
    }

    private static string Trim(Uri uri) => uri.ToString().TrimEnd('/');
}
