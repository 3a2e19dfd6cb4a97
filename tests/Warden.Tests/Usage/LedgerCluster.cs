using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Warden.Storage;
using Warden.Testing;
using Warden.Tests.Reconcile;

namespace Warden.Tests.Usage;

/// <summary>
/// Helpers for ledger tests that run real <c>warden control-plane</c> and <c>warden gateway</c> processes over a
/// PostgreSQL database, with ingest tokens and a spool folder per gateway.
/// </summary>
public sealed class LedgerCluster(string connectionString)
{
    public const string InternalToken = "ledger-cluster-internal-token-0123456789abcdef";
    public const string IngestToken = "ledger-cluster-ingest-token-0123456789abcdefgh";

    public WardenDbContextFactory Contexts { get; } = new(StorageOptions.ForPostgres(connectionString));

    public WardenProcess StartControlPlane(Uri url) => WardenProcess.Start(
        ["control-plane", "--url", url.ToString(), "--connection-string", connectionString],
        new Dictionary<string, string?>
        {
            ["WARDEN__ControlPlane__InternalToken"] = InternalToken,
            ["WARDEN__ControlPlane__IngestToken"] = IngestToken,
            ["WARDEN__ControlPlane__BootstrapAdminToken"] = AdminClient.Token,
        });

    public static WardenProcess StartGateway(Uri url, Uri controlPlaneUrl, string spoolDir) => WardenProcess.Start(
        ["gateway", "--url", url.ToString(), "--control-plane-url", controlPlaneUrl.ToString()],
        new Dictionary<string, string?>
        {
            ["WARDEN__Gateway__InternalToken"] = InternalToken,
            ["WARDEN__Gateway__IngestToken"] = IngestToken,
            ["WARDEN__Gateway__SpoolDir"] = spoolDir,
        });

    /// <summary>Creates org/project/consumer, the mock route <c>chat</c> and a key; returns the project id and key.</summary>
    internal static async Task<(Guid ProjectId, string Key)> SetUpProjectAsync(AdminClient admin, string project, Uri mockUrl)
    {
        var projectId = await admin.CreateOrganizationAndProjectAsync("org-" + project, project);
        var consumerId = await admin.CreateConsumerAsync("org-" + project, project, "svc");
        await admin.CreateProviderAndRouteAsync("org-" + project, project, new Uri(mockUrl, "/v1"));
        var key = (await admin.CreateKeyAsync("org-" + project, project, consumerId)).Key;
        return (projectId, key);
    }

    public async Task<int> CountRowsAsync(Guid projectId)
    {
        await using var context = Contexts.CreateDbContext();
        return await context.UsageRecords.CountAsync(r => r.ProjectId == projectId);
    }

    /// <summary>Waits until the project's ledger holds <paramref name="expected"/> rows (fails if it holds more).</summary>
    public async Task WaitForRowsAsync(Guid projectId, int expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        int rows;
        while ((rows = await CountRowsAsync(projectId)) < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal(expected, rows);
    }

    public static async Task<HttpStatusCode> ChatAsync(HttpClient http, Uri gateway, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/v1/chat/completions"))
        {
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Polls until a chat request answers 200; returns how many 200s that took (always 1: earlier answers are not).</summary>
    public static async Task WaitForChatOkAsync(HttpClient http, Uri gateway, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode last;
        while ((last = await ChatAsync(http, gateway, key)) != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{gateway} answered {last}");
            await Task.Delay(50);
        }
    }
}
