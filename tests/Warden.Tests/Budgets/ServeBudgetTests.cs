using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Warden.Storage;
using Warden.Storage.Entities;
using Warden.Tests.Reconcile;

namespace Warden.Tests.Budgets;

/// <summary>
/// <c>warden serve</c> (in-memory counters by default) seeds budget counters from its own database in-process: spend
/// already in the ledger counts against the budget from the first request.
/// </summary>
public sealed class ServeBudgetTests(MockUpstream mock) : IClassFixture<MockUpstream>
{
    [Fact]
    public async Task Serve_FirstRequest_SeesMonthToDateLedgerSpend()
    {
        await using var serve = await AdminServe.StartAsync("warden-serve-budget-");
        var gatewayUrl = serve.GatewayUrl;

        using var admin = new AdminClient(serve.ControlPlaneUrl);
        await admin.CreateOrganizationAndProjectAsync("acme", "solo");
        await admin.CreateProviderAndRouteAsync("acme", "solo", mock.ApiBase);
        await admin.CreateRouteAsync("acme", "solo", "hammer", "hammer-upstream@tokens=10");
        await admin.PutAsync("/api/pricing/hammer", new { inputUsdPerMillion = 0m, outputUsdPerMillion = 100m, cacheReadUsdPerMillion = 0m, cacheWriteUsdPerMillion = 0m });
        var spent = await admin.CreateConsumerAsync("acme", "solo", "spent");
        var fresh = await admin.CreateConsumerAsync("acme", "solo", "fresh");
        var spentKey = (await admin.CreateKeyAsync("acme", "solo", spent)).Key;
        var freshKey = (await admin.CreateKeyAsync("acme", "solo", fresh)).Key;
        await admin.PutAsync($"/api/orgs/acme/projects/solo/budgets/consumer/{spent}", new { monthlyUsd = 1m });
        await admin.PutAsync($"/api/orgs/acme/projects/solo/budgets/consumer/{fresh}", new { monthlyUsd = 1m });

        // $0.999 of this month is already in the ledger for "spent": a $0.002 reservation no longer fits.
        using (var project = await admin.GetAsync("/api/orgs/acme/projects/solo"))
        using (var organization = await admin.GetAsync("/api/orgs/acme"))
        {
            await using var db = new WardenDbContextFactory(serve.Storage).CreateDbContext();
            db.UsageRecords.Add(new UsageRecord
            {
                EventId = Guid.NewGuid(),
                OccurredAt = DateTimeOffset.UtcNow,
                OrganizationId = organization.RootElement.GetProperty("id").GetGuid(),
                ProjectId = project.RootElement.GetProperty("id").GetGuid(),
                ConsumerId = spent,
                LogicalModel = "hammer",
                Status = "ok",
                RequestId = "earlier",
                CostUsd = 0.999m,
            });
            await db.SaveChangesAsync();
        }

        await WaitForBudgetsAsync(admin, 2);
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gatewayUrl, freshKey));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ChatAsync(gatewayUrl, spentKey));
    }

    private static async Task WaitForBudgetsAsync(AdminClient admin, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var effective = await admin.GetAsync("/api/orgs/acme/projects/solo/effective-config");
            if (effective.RootElement.GetProperty("budgets").GetArrayLength() == count)
            {
                // The control plane publishes into the co-located gateway in the same step it serves the snapshot.
                await Task.Delay(200);
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "budgets not published: " + effective.RootElement.GetRawText());
            await Task.Delay(100);
        }
    }

    private static async Task<HttpStatusCode> ChatAsync(Uri gateway, string key)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/v1/chat/completions"))
        {
            Content = new StringContent("""{"model":"hammer","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
