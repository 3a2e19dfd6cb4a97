using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.ControlPlane;
using Warden.ControlPlane.Hosting;
using Warden.ControlPlane.Usage;
using Warden.Core.Usage;
using Warden.Storage;
using Warden.Storage.Entities;
using Warden.Tests.Admin;
using Warden.Testing;

namespace Warden.Tests.Usage;

/// <summary>
/// The same reports and exports on the embedded SQLite database (<c>warden serve</c>): instants stored as unix
/// microseconds and money as nano-USD must still give UTC day buckets, exact sums and exact exported decimals.
/// </summary>
public sealed class UsageSqliteTests : IAsyncLifetime
{
    private const string Token = "usage-sqlite-test-bootstrap-token-0123456789abcdef";
    private readonly StorageOptions _storage = StorageOptions.ForSqliteFile(Path.Combine(Directory.CreateTempSubdirectory("warden-usage-").FullName, "warden.db"));
    private readonly Uri _url = FreePort.NextUrl();
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        await new WardenDatabase(new WardenDbContextFactory(_storage)).MigrateAsync();
        var options = new ControlPlaneOptions
        {
            Url = _url.ToString().TrimEnd('/'),
            InternalToken = "usage-sqlite-test-internal-token-0123456789abcdef",
            BootstrapAdminToken = Token,
        };
        var builder = ControlPlaneApplication.CreateBuilder(options, _storage);
        builder.Logging.ClearProviders();
        _app = builder.Build().UseControlPlane();
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ReportsAndExports_OnSqlite_DayBucketsExactSumsExactDecimals()
    {
        using var admin = new HttpClient { BaseAddress = _url };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        await admin.PostJsonAsync("/api/orgs", new { slug = "lite", name = "Lite" }).ExpectAsync(HttpStatusCode.Created);
        var project = await (await admin.PostJsonAsync("/api/orgs/lite/projects", new { slug = "p1", name = "P1" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var consumer = await (await admin.PostJsonAsync("/api/orgs/lite/projects/p1/consumers", new { name = "svc" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var march = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var db = new WardenDbContextFactory(_storage).CreateDbContext())
        {
            var organizationId = await db.Organizations.Where(o => o.Slug == "lite").Select(o => o.Id).SingleAsync();
            UsageRecord Row(DateTimeOffset at, decimal cost, string model) => new()
            {
                EventId = Guid.CreateVersion7(), OccurredAt = at, OrganizationId = organizationId, ProjectId = project["id"]!.GetValue<Guid>(),
                ConsumerId = consumer["id"]!.GetValue<Guid>(), LogicalModel = model, InputTokens = 10, OutputTokens = 1, CostUsd = cost, Status = "ok", RequestId = "r",
            };
            db.UsageRecords.AddRange(
                Row(march.AddTicks(-10), 50m, "gpt"),
                Row(march, 0.000000001m, "gpt"),
                Row(march.AddDays(1).AddTicks(-10), 0.1m, "team, \"a\""),
                Row(march.AddDays(1), 123.456789012m, "gpt"));
            await db.SaveChangesAsync();
        }

        var report = await (await admin.GetAsync("/api/orgs/lite/projects/p1/usage?from=2026-03-01&to=2026-04-01").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        var platform = await (await admin.GetAsync("/api/usage?from=2026-03-01&to=2026-04-01").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        var csv = await (await admin.GetAsync("/api/orgs/lite/usage/export?from=2026-03-01&to=2026-04-01").ExpectAsync(HttpStatusCode.OK)).Content.ReadAsStringAsync();
        var json = await (await admin.GetAsync("/api/usage/export?from=2026-03-01&to=2026-04-01&format=json").ExpectAsync(HttpStatusCode.OK)).JsonAsync();

        Assert.Equal(123.556789013m, report["total"]!["costUsd"]!.GetValue<decimal>());
        Assert.Equal(123.556789013m, platform["total"]!["costUsd"]!.GetValue<decimal>());
        var days = report["byDay"]!.AsArray().ToDictionary(d => d!["key"]!.GetValue<string>(), d => d!["costUsd"]!.GetValue<decimal>());
        Assert.Equal(new Dictionary<string, decimal> { ["2026-03-01"] = 0.100000001m, ["2026-03-02"] = 123.456789012m }, days);

        var records = Rfc4180.Parse(csv);
        var cost = records[0].IndexOf("cost_usd");
        var model = records[0].IndexOf("logical_model");
        var at = records[0].IndexOf("occurred_at");
        Assert.Equal(["0.000000001", "0.1", "123.456789012"], records.Skip(1).Select(r => r[cost]));
        Assert.Equal(["2026-03-01T00:00:00.000000Z", "2026-03-01T23:59:59.999999Z", "2026-03-02T00:00:00.000000Z"], records.Skip(1).Select(r => r[at]));
        Assert.Equal("team, \"a\"", records[2][model]);
        Assert.Equal([0.000000001m, 0.1m, 123.456789012m], json.AsArray().Select(r => r!["cost_usd"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task BlockedEvent_OnSqlite_IngestedOnceAndShownToTheOrgAdmin()
    {
        using var admin = new HttpClient { BaseAddress = _url };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        await admin.PostJsonAsync("/api/orgs", new { slug = "lite-blocks", name = "Lite" }).ExpectAsync(HttpStatusCode.Created);
        var project = await (await admin.PostJsonAsync("/api/orgs/lite-blocks/projects", new { slug = "p1", name = "P1" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        var consumer = await (await admin.PostJsonAsync("/api/orgs/lite-blocks/projects/p1/consumers", new { name = "svc" }).ExpectAsync(HttpStatusCode.Created)).JsonAsync();
        Guid organizationId;
        await using (var db = new WardenDbContextFactory(_storage).CreateDbContext())
        {
            organizationId = await db.Organizations.Where(o => o.Slug == "lite-blocks").Select(o => o.Id).SingleAsync();
        }

        var blocked = new UsageEvent
        {
            EventId = Guid.CreateVersion7(), OccurredAt = DateTimeOffset.UtcNow, OrganizationId = organizationId, ProjectId = project["id"]!.GetValue<Guid>(),
            ConsumerId = consumer["id"]!.GetValue<Guid>(), GroupIds = [], KeyId = Guid.NewGuid(), LogicalModel = "chat", Status = "guardrail_blocked",
            HttpStatus = 403, RequestId = "req-blocked", Block = new GuardrailBlockInfo("role-override.fake-system", "pattern", "[MATCH] you are root"),
        };
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new UsageBatch { Events = [blocked] }, UsageJsonContext.Default.UsageBatch);
        var ingest = _app.Services.GetRequiredService<UsageIngestService>();

        var first = await ingest.IngestAsync(json, CancellationToken.None);
        var second = await ingest.IngestAsync(json, CancellationToken.None);

        Assert.Equal((UsageIngestStatus.Stored, 1), (first.Status, first.Inserted));
        Assert.Equal((UsageIngestStatus.Stored, 0), (second.Status, second.Inserted));
        var blocks = await (await admin.GetAsync("/api/orgs/lite-blocks/guardrail-blocks?reportedFalsePositive=false").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        var item = Assert.Single(blocks["items"]!.AsArray())!;
        Assert.Equal((blocked.EventId, "role-override.fake-system", "pattern", "[MATCH] you are root", "lite-blocks.p1.svc"),
            (item["id"]!.GetValue<Guid>(), item["ruleId"]!.GetValue<string>(), item["kind"]!.GetValue<string>(), item["snippet"]!.GetValue<string>(), item["consumer"]!.GetValue<string>()));
        Assert.Equal(blocked.OccurredAt.ToUnixTimeMilliseconds(), item["occurredAt"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());
        Assert.Empty((await (await admin.GetAsync("/api/orgs/lite-blocks/guardrail-blocks?reportedFalsePositive=true").ExpectAsync(HttpStatusCode.OK)).JsonAsync())["items"]!.AsArray());
        var report = await (await admin.GetAsync("/api/orgs/lite-blocks/usage").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal((1L, 0m), (report["total"]!["requests"]!.GetValue<long>(), report["total"]!["costUsd"]!.GetValue<decimal>()));
    }
}
