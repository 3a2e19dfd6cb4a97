using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;
using Warden.Tests.Admin;

namespace Warden.Tests.Usage;

/// <summary>
/// Chargeback exports (SPEC ML-5) from a real PostgreSQL ledger: RFC 4180 CSV parsed back (quotes, commas, line
/// breaks in values), JSON with exact decimals, the period window, attachment headers, RBAC and the audit trail.
/// </summary>
public sealed class UsageExportTests : IClassFixture<AdminApiServer>
{
    private const string Header = "event_id,occurred_at,organization,project,consumer,organization_id,project_id,consumer_id,api_key_id,logical_model,provider,upstream_model,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,cache_hit,status,latency_ms,request_id";
    private static readonly DateTimeOffset s_march = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly AdminApiServer _server;

    public UsageExportTests(AdminApiServer server)
    {
        _server = server;
    }

    [Fact]
    public async Task OrganizationCsv_ParsesBack_QuotedValuesExactDecimalsInOrder_WindowHalfOpen()
    {
        var s = await LedgerSeed.CreateAsync(_server, "exp-csv", "p1", "p2");
        var odd = await AddConsumerDirectlyAsync(s, "p1", "ops, \"east\"");
        var key = Guid.NewGuid();
        var rows = new[]
        {
            s.Row("p1/svc", "gpt-4o", s_march, 0.000000001m, input: 1234, output: 56, cacheRead: 1000, cacheWrite: 0),
            s.Row(odd, "team, \"alpha\" model", s_march.AddDays(3), 12345678901.123456789m, requestId: "req\r\nsplit"),
            s.Row("p2/svc", "claude", s_march.AddDays(31).AddTicks(-10), 2.5m, cacheWrite: 77),
        };
        rows[0].ApiKeyId = key;
        rows[2].CacheHit = true;
        await s.InsertAsync([.. rows, s.Row("p1/svc", "gpt-4o", s_march.AddTicks(-10), 9m), s.Row("p1/svc", "gpt-4o", s_march.AddDays(31), 9m)]);
        // Another organization's rows in the same window never appear.
        var other = await LedgerSeed.CreateAsync(_server, "exp-csv-other", "p1");
        await other.InsertAsync(other.Row("p1/svc", "gpt-4o", s_march.AddDays(1), 100m));

        using var admin = _server.Client(s.OrgAdminToken);
        using var response = await admin.GetAsync("/api/orgs/exp-csv/usage/export?from=2026-03-01&to=2026-04-01&format=csv").ExpectAsync(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("usage-exp-csv-20260301T000000Z-20260401T000000Z.csv", response.Content.Headers.ContentDisposition?.FileName);
        var records = Rfc4180.Parse(text);
        Assert.Equal(Header, string.Join(',', records[0]));
        Assert.Equal(4, records.Count);
        var byId = records.Skip(1).Select(r => Columns(records[0], r)).ToList();
        Assert.Equal(rows.Select(r => r.EventId.ToString()), byId.Select(r => r["event_id"]));

        Assert.Equal("2026-03-01T00:00:00.000000Z", byId[0]["occurred_at"]);
        Assert.Equal(("exp-csv", "p1", "svc"), (byId[0]["organization"], byId[0]["project"], byId[0]["consumer"]));
        Assert.Equal(key.ToString(), byId[0]["api_key_id"]);
        Assert.Equal(("1234", "56", "1000", "0"), (byId[0]["input_tokens"], byId[0]["output_tokens"], byId[0]["cache_read_tokens"], byId[0]["cache_write_tokens"]));
        Assert.Equal("0.000000001", byId[0]["cost_usd"]);
        Assert.Equal("false", byId[0]["cache_hit"]);

        Assert.Equal("ops, \"east\"", byId[1]["consumer"]);
        Assert.Equal("team, \"alpha\" model", byId[1]["logical_model"]);
        Assert.Equal("req\r\nsplit", byId[1]["request_id"]);
        Assert.Equal("12345678901.123456789", byId[1]["cost_usd"]);
        Assert.Equal("", byId[1]["api_key_id"]);

        Assert.Equal("2026-03-31T23:59:59.999999Z", byId[2]["occurred_at"]);
        Assert.Equal("2.5", byId[2]["cost_usd"]);
        Assert.Equal("true", byId[2]["cache_hit"]);
        Assert.Equal(s.Projects["p2"].ToString(), byId[2]["project_id"]);
        Assert.Equal(12345678903.623456790m, byId.Sum(r => decimal.Parse(r["cost_usd"], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task ProjectJson_SameRowsAsCsv_ExactDecimalNumbers()
    {
        var s = await LedgerSeed.CreateAsync(_server, "exp-json", "p1", "p2");
        await s.InsertAsync(
            s.Row("p1/svc", "gpt", s_march.AddHours(1), 0.123456789m, input: 10, output: 20, cacheRead: 3, cacheWrite: 4),
            s.Row("p1/svc", "gpt", s_march.AddHours(2), 98765432109.87654321m),
            s.Row("p2/svc", "gpt", s_march.AddHours(1), 5m));

        using var admin = _server.Client(s.OrgAdminToken);
        using var json = await admin.GetAsync("/api/orgs/exp-json/projects/p1/usage/export?from=2026-03-01&to=2026-03-02&format=json").ExpectAsync(HttpStatusCode.OK);
        var text = await json.Content.ReadAsStringAsync();
        using var csv = await admin.GetAsync("/api/orgs/exp-json/projects/p1/usage/export?from=2026-03-01&to=2026-03-02").ExpectAsync(HttpStatusCode.OK);
        var csvRecords = Rfc4180.Parse(await csv.Content.ReadAsStringAsync());

        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", json.Content.Headers.ContentDisposition?.DispositionType);
        var rows = JsonNode.Parse(text)!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.Equal(Header.Split(','), rows[0]!.AsObject().Select(p => p.Key));
        Assert.Contains("\"cost_usd\":0.123456789,", text, StringComparison.Ordinal);
        Assert.Equal(0.123456789m, rows[0]!["cost_usd"]!.GetValue<decimal>());
        Assert.Equal(98765432109.87654321m, rows[1]!["cost_usd"]!.GetValue<decimal>());
        Assert.Equal((10L, 20L, 3L, 4L), (rows[0]!["input_tokens"]!.GetValue<long>(), rows[0]!["output_tokens"]!.GetValue<long>(),
            rows[0]!["cache_read_tokens"]!.GetValue<long>(), rows[0]!["cache_write_tokens"]!.GetValue<long>()));
        Assert.Null(rows[0]!["api_key_id"]);
        Assert.Equal("p1", rows[0]!["project"]!.GetValue<string>());

        // CSV and JSON carry the same values, column by column.
        Assert.Equal(3, csvRecords.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var fromCsv = Columns(csvRecords[0], csvRecords[i + 1]);
            foreach (var (name, value) in rows[i]!.AsObject())
            {
                var expected = value is null ? "" : value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                Assert.Equal(expected, fromCsv[name]);
            }
        }
    }

    [Fact]
    public async Task Export_EmptyWindow_HeaderOnly_AndEmptyJsonArray()
    {
        var s = await LedgerSeed.CreateAsync(_server, "exp-empty", "p1");
        using var admin = _server.Client(s.OrgAdminToken);

        var csv = await (await admin.GetAsync("/api/orgs/exp-empty/usage/export?from=2020-01-01&to=2020-02-01").ExpectAsync(HttpStatusCode.OK)).Content.ReadAsStringAsync();
        var json = await (await admin.GetAsync("/api/orgs/exp-empty/usage/export?from=2020-01-01&to=2020-02-01&format=json").ExpectAsync(HttpStatusCode.OK)).Content.ReadAsStringAsync();

        Assert.Equal(Header + "\r\n", csv);
        Assert.Equal("[]", json);
    }

    [Fact]
    public async Task Export_MemberAndOtherOrgAdmin_Denied_AndAuditedAsDenied()
    {
        var s = await LedgerSeed.CreateAsync(_server, "exp-rbac", "p1");
        var other = await LedgerSeed.CreateAsync(_server, "exp-rbac-other", "p1");
        await s.InsertAsync(s.Row("p1/svc", "gpt", s_march, 1m));
        using var member = _server.Client(s.MemberToken);
        using var otherAdmin = _server.Client(other.OrgAdminToken);

        await member.GetAsync("/api/orgs/exp-rbac/usage/export").ExpectAsync(HttpStatusCode.Forbidden);
        await AssertAuditAsync("dev@exp-rbac.test", AuditOutcome.Denied, 403);
        await member.GetAsync("/api/orgs/exp-rbac/projects/p1/usage/export").ExpectAsync(HttpStatusCode.Forbidden);
        await AssertAuditAsync("dev@exp-rbac.test", AuditOutcome.Denied, 403);
        await otherAdmin.GetAsync("/api/orgs/exp-rbac/usage/export").ExpectAsync(HttpStatusCode.Forbidden);
        await AssertAuditAsync("admin@exp-rbac-other.test", AuditOutcome.Denied, 403);
        await otherAdmin.GetAsync("/api/orgs/exp-rbac/projects/p1/usage/export?format=json").ExpectAsync(HttpStatusCode.Forbidden);
        await AssertAuditAsync("admin@exp-rbac-other.test", AuditOutcome.Denied, 403);
        // Only a platform admin exports across organizations.
        using var orgAdmin = _server.Client(s.OrgAdminToken);
        await orgAdmin.GetAsync("/api/usage/export").ExpectAsync(HttpStatusCode.Forbidden);
        await AssertAuditAsync("admin@exp-rbac.test", AuditOutcome.Denied, 403);
    }

    [Fact]
    public async Task Export_Allowed_IsAuditedWithThePeriod()
    {
        var s = await LedgerSeed.CreateAsync(_server, "exp-audit", "p1");
        using var orgAdmin = _server.Client(s.OrgAdminToken);
        using var platform = _server.Admin();

        await orgAdmin.GetAsync("/api/orgs/exp-audit/projects/p1/usage/export?from=2026-03-01&to=2026-04-01").ExpectAsync(HttpStatusCode.OK);
        var audit = await AssertAuditAsync("admin@exp-audit.test", AuditOutcome.Allowed, 200);
        Assert.Equal("exp-audit", audit.OrganizationSlug);
        Assert.Equal("project:exp-audit/p1 [2026-03-01T00:00:00.000000Z, 2026-04-01T00:00:00.000000Z)", audit.Target);

        using var all = await platform.GetAsync("/api/usage/export?from=2026-03-01&to=2026-03-02&format=json").ExpectAsync(HttpStatusCode.OK);
        var platformAudit = await AssertAuditAsync("bootstrap-token", AuditOutcome.Allowed, 200);
        Assert.StartsWith("usage:all [2026-03-01", platformAudit.Target, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("format=xml", "format")]
    [InlineData("from=2026-03-02&to=2026-03-01", "to")]
    [InlineData("from=2024-01-01&to=2026-01-01", "to")]
    [InlineData("from=yesterday", "from")]
    public async Task Export_BadQuery_Is400ProblemNamingTheField(string query, string field)
    {
        var s = await LedgerSeed.CreateAsync(_server, "exp-bad-" + Guid.NewGuid().ToString("N")[..8], "p1");
        using var admin = _server.Client(s.OrgAdminToken);

        using var response = await admin.GetAsync($"/api/orgs/{s.Org}/usage/export?{query}").ExpectAsync(HttpStatusCode.BadRequest);
        var problem = await response.JsonAsync();

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(problem["errors"]![field]);
    }

    private async Task<AuditEvent> AssertAuditAsync(string actor, AuditOutcome outcome, int status)
    {
        await using var db = _server.Contexts.CreateDbContext();
        var audit = await db.AuditEvents.AsNoTracking().Where(e => e.Actor == actor).OrderByDescending(e => e.Id).FirstAsync();
        Assert.Equal("usage.export", audit.Action);
        Assert.Equal(outcome, audit.Outcome);
        Assert.Equal(status, audit.HttpStatus);
        return audit;
    }

    private async Task<string> AddConsumerDirectlyAsync(LedgerSeed s, string project, string name)
    {
        // The API only accepts slug-like names; the export must still cope with any text the database holds.
        await using var db = _server.Contexts.CreateDbContext();
        var consumer = new Consumer { ProjectId = s.Projects[project], Name = name, CreatedAt = DateTimeOffset.UtcNow };
        db.Consumers.Add(consumer);
        await db.SaveChangesAsync();
        s.Consumers[$"{project}/{name}"] = consumer.Id;
        return $"{project}/{name}";
    }

    private static Dictionary<string, string> Columns(List<string> header, List<string> record)
    {
        Assert.Equal(header.Count, record.Count);
        return header.Zip(record).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
    }
}
