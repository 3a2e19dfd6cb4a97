using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Warden.Tests.Reconcile;

/// <summary>The admin API as an operator's automation uses it (bootstrap token), for propagation measurements.</summary>
internal sealed class AdminClient : IDisposable
{
    /// <summary>A bootstrap admin token for tests (the API requires at least 32 characters).</summary>
    public const string Token = "reconcile-test-bootstrap-admin-token-0123456789";

    private readonly HttpClient _http;

    public AdminClient(Uri controlPlane)
    {
        _http = new HttpClient { BaseAddress = controlPlane, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    /// <summary><see cref="Stopwatch"/> timestamp of when the last write's response arrived (the commit had returned).</summary>
    public long LastResponseTimestamp { get; private set; }

    public async Task<Guid> CreateOrganizationAndProjectAsync(string org, string project)
    {
        await PostAsync("/api/orgs", new { slug = org, name = org }, HttpStatusCode.Created);
        using var created = await PostAsync($"/api/orgs/{org}/projects", new { slug = project, name = project }, HttpStatusCode.Created);
        return created.RootElement.GetProperty("id").GetGuid();
    }

    public async Task<Guid> CreateConsumerAsync(string org, string project, string name)
    {
        using var created = await PostAsync($"/api/orgs/{org}/projects/{project}/consumers", new { name }, HttpStatusCode.Created);
        return created.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Creates a key; returns its id and full text (shown once).</summary>
    public async Task<(Guid Id, string Key)> CreateKeyAsync(string org, string project, Guid consumerId)
    {
        using var created = await PostAsync($"/api/orgs/{org}/projects/{project}/keys", new { consumerId, name = "k" }, HttpStatusCode.Created);
        return (created.RootElement.GetProperty("id").GetGuid(), created.RootElement.GetProperty("key").GetString()!);
    }

    public async Task RevokeKeyAsync(string org, string project, Guid keyId)
    {
        using var _ = await PostAsync($"/api/orgs/{org}/projects/{project}/keys/{keyId}/revoke", new { }, HttpStatusCode.OK);
    }

    /// <summary>A mock provider at <paramref name="baseUrl"/> and the logical model <c>chat</c> routed to it.</summary>
    public async Task CreateProviderAndRouteAsync(string org, string project, Uri baseUrl)
    {
        using var provider = await PostAsync($"/api/orgs/{org}/projects/{project}/providers",
            new { name = "mock", type = "mock", baseUrl = baseUrl.ToString() }, HttpStatusCode.Created);
        using var route = await PostAsync($"/api/orgs/{org}/projects/{project}/routes",
            new { logicalModel = "chat", strategy = "single", maxAttempts = 1, targets = new[] { new { provider = "mock", upstreamModel = "gpt-4o-mini", timeoutMs = 10_000 } } },
            HttpStatusCode.Created);
    }

    /// <summary>A route <paramref name="logicalModel"/> → the project's provider <c>mock</c>, upstream model <paramref name="upstreamModel"/>.</summary>
    public async Task CreateRouteAsync(string org, string project, string logicalModel, string upstreamModel)
    {
        using var route = await PostAsync($"/api/orgs/{org}/projects/{project}/routes",
            new { logicalModel, strategy = "single", maxAttempts = 1, targets = new[] { new { provider = "mock", upstreamModel, timeoutMs = 10_000 } } },
            HttpStatusCode.Created);
    }

    /// <summary>PUT <paramref name="path"/> (create or replace), expecting 200 or 201.</summary>
    public async Task PutAsync(string path, object body)
    {
        using var response = await _http.PutAsJsonAsync(path, body);
        LastResponseTimestamp = Stopwatch.GetTimestamp();
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created))
        {
            throw new InvalidOperationException($"PUT {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>GET <paramref name="path"/>, expecting 200.</summary>
    public async Task<JsonDocument> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text);
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonDocument> PostAsync(string path, object body, HttpStatusCode expected)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        LastResponseTimestamp = Stopwatch.GetTimestamp();
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
        }

        return JsonDocument.Parse(text.Length == 0 ? "{}" : text);
    }
}
