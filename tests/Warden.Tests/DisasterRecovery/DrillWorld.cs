using System.Net;

namespace Warden.Tests.DisasterRecovery;

/// <summary>
/// The configuration and traffic a drill puts into the platform through the admin API and the gateways, before and
/// after the backup point, and what must hold once the platform has converged to the backup.
/// Organization A (project <c>pay</c>): consumer <c>c1</c> with K1 (and K3, created after the backup), consumer
/// <c>c2</c> with K2 and a monthly budget of $0.010. Organization B (project <c>ops</c>): consumer <c>c4</c> with KB.
/// </summary>
internal sealed class DrillWorld
{
    /// <summary>The budget of c2: with $0.004 spent at the backup point exactly five more requests fit ($0.002 reserved each, $0.001 kept).</summary>
    public const decimal C2BudgetUsd = 0.010m;

    /// <summary>Ledger rows at the backup point: K1 ×3, K2 ×4, KB ×2.</summary>
    public const int RowsAtBackup = 9;

    /// <summary>Ledger rows after the post-backup traffic: K2 ×4, K3 ×2 more.</summary>
    public const int RowsAfterBackup = 15;

    private readonly DrillCluster _cluster;

    public DrillWorld(DrillCluster cluster)
    {
        _cluster = cluster;
    }

    public string OrgA { get; } = "a" + Guid.NewGuid().ToString("N")[..10];

    public string OrgB { get; } = "b" + Guid.NewGuid().ToString("N")[..10];

    public Guid C1 { get; private set; }

    public Guid C2 { get; private set; }

    public Guid K1Id { get; private set; }

    public string K1 { get; private set; } = "";

    public string K2 { get; private set; } = "";

    public string KB { get; private set; } = "";

    public string K3 { get; private set; } = "";

    /// <summary>Organizations, projects, providers, routes, prices, consumers, keys, a budget (all audited), and usage.</summary>
    public async Task BuildBeforeBackupAsync()
    {
        var admin = _cluster.Admin;
        await admin.PutAsync("/api/pricing/hammer", new { inputUsdPerMillion = 0m, outputUsdPerMillion = 100m, cacheReadUsdPerMillion = 0m, cacheWriteUsdPerMillion = 0m });
        foreach (var (org, project) in new[] { (OrgA, "pay"), (OrgB, "ops") })
        {
            await admin.CreateOrganizationAndProjectAsync(org, project);
            await admin.CreateProviderAndRouteAsync(org, project, new Uri(_cluster.MockUrl, "/v1"));
            await admin.CreateRouteAsync(org, project, "hammer", "hammer-upstream@tokens=10");
        }

        C1 = await admin.CreateConsumerAsync(OrgA, "pay", "c1");
        C2 = await admin.CreateConsumerAsync(OrgA, "pay", "c2");
        var c4 = await admin.CreateConsumerAsync(OrgB, "ops", "c4");
        (K1Id, K1) = await admin.CreateKeyAsync(OrgA, "pay", C1);
        K2 = (await admin.CreateKeyAsync(OrgA, "pay", C2)).Key;
        KB = (await admin.CreateKeyAsync(OrgB, "ops", c4)).Key;
        await admin.PutAsync($"/api/orgs/{OrgA}/projects/pay/budgets/consumer/{C2}", new { monthlyUsd = C2BudgetUsd });

        await _cluster.WaitForConvergenceAsync([(K1, HttpStatusCode.OK), (K2, HttpStatusCode.OK), (KB, HttpStatusCode.OK)], System.Diagnostics.Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(10));
        await _cluster.UseAsync(K1, 3);
        await _cluster.UseAsync(K2, 4);
        await _cluster.UseAsync(KB, 2);
        await _cluster.WaitForLedgerRowsAsync(RowsAtBackup);
    }

    /// <summary>After the backup point: revoke K1, create K3, more usage (c2 reaches $0.008).</summary>
    public async Task ChangeAfterBackupAsync()
    {
        await _cluster.Admin.RevokeKeyAsync(OrgA, "pay", K1Id);
        K3 = (await _cluster.Admin.CreateKeyAsync(OrgA, "pay", C1)).Key;
        await _cluster.WaitForConvergenceAsync([(K1, HttpStatusCode.Unauthorized), (K3, HttpStatusCode.OK)], System.Diagnostics.Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(10));
        await _cluster.UseAsync(K2, 4);
        await _cluster.UseAsync(K3, 2);
        await _cluster.WaitForLedgerRowsAsync(RowsAfterBackup);
    }

    /// <summary>What both gateways must answer once converged to the backup point.</summary>
    public IReadOnlyList<(string Key, HttpStatusCode Expected)> RestoredExpectations =>
        [(K1, HttpStatusCode.OK), (K2, HttpStatusCode.OK), (KB, HttpStatusCode.OK), (K3, HttpStatusCode.Unauthorized)];

    /// <summary>
    /// Spend as the restored ledger has it, through the usage API (c2: $0.004 of 7 requests in organization A), and as
    /// the gateways' counters admit it: exactly five more requests of c2 fit its $0.010 budget, alternating gateways.
    /// A counter still holding the pre-restore $0.008 would admit one; one started at zero instead of the ledger, nine.
    /// </summary>
    public async Task AssertSpendMatchesRestoredLedgerAsync()
    {
        var (requests, byConsumer) = await _cluster.UsageAsync(OrgA);
        Assert.Equal(7, requests);
        Assert.Equal(0.004m, byConsumer[$"{OrgA}.pay.c2"]);
        Assert.Equal(0.003m, byConsumer[$"{OrgA}.pay.c1"]);

        var answers = new List<(HttpStatusCode Status, string? Code)>();
        for (var i = 0; i < 7; i++)
        {
            answers.Add(await _cluster.ChatAsync(_cluster.Gateways[i % 2].Url, K2));
        }

        Assert.All(answers.Take(5), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(answers.Skip(5), a => Assert.Equal((HttpStatusCode.TooManyRequests, "budget_exceeded"), a));
    }
}
