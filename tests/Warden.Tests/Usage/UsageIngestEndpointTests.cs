using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core.Usage;

namespace Warden.Tests.Usage;

/// <summary>
/// <c>POST /internal/usage</c> on a real control plane and PostgreSQL: its own token, idempotent by event id, precise
/// refusals, and 503 (events kept by the sender) while the database is down.
/// </summary>
public sealed class UsageIngestEndpointTests(IngestControlPlane controlPlane) : IClassFixture<IngestControlPlane>, IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = controlPlane.Url, Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Post_SameBatchTwice_RowsOnce()
    {
        var org = Guid.NewGuid();
        var group = Guid.NewGuid();
        var events = LedgerEvents.Batch(org, 500, group);

        var (firstStatus, first) = await PostAsync(Serialize(events));
        var (secondStatus, second) = await PostAsync(Serialize(events));

        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal(HttpStatusCode.OK, secondStatus);
        Assert.Equal(500, first!["accepted"]!.GetValue<int>());
        Assert.Equal(500, first["inserted"]!.GetValue<int>());
        Assert.Equal(0, second!["inserted"]!.GetValue<int>());
        await using var context = controlPlane.Contexts.CreateDbContext();
        Assert.Equal(500, await context.UsageRecords.CountAsync(r => r.OrganizationId == org));
        Assert.Equal(500, await context.UsageRecordGroups.CountAsync(g => g.GroupId == group));
    }

    [Fact]
    public async Task Post_BatchWithABlock_WritesUsageAndBlockRowsOnce_ABlockOnAServedEventIs400()
    {
        var org = Guid.NewGuid();
        var events = LedgerEvents.Batch(org, 3);
        events[1] = events[1] with
        {
            Tokens = default, CostUsd = 0m, Status = "guardrail_blocked", HttpStatus = 403, ProviderName = null, UpstreamModel = null,
            Block = new GuardrailBlockInfo("system-prompt.reveal", "pattern", "please [MATCH] verbatim"),
        };

        var (status, answer) = await PostAsync(Serialize(events));
        var (again, _) = await PostAsync(Serialize(events));
        var (refused, problem) = await PostAsync(Serialize([events[1] with { EventId = Guid.CreateVersion7(), Status = "ok" }]));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, answer!["inserted"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("events[0].block", problem!.ToJsonString(), StringComparison.Ordinal);
        await using var context = controlPlane.Contexts.CreateDbContext();
        var block = await context.GuardrailBlocks.SingleAsync(b => b.OrganizationId == org);
        Assert.Equal((events[1].EventId, "system-prompt.reveal", "pattern", "please [MATCH] verbatim", events[1].RequestId),
            (block.Id, block.RuleId, block.Kind, block.Snippet, block.RequestId));
        Assert.Equal(3, await context.UsageRecords.CountAsync(r => r.OrganizationId == org));
    }

    [Fact]
    public async Task Post_WithoutTheIngestToken_401_AndTheInternalTokenIsNotEnough()
    {
        var body = Serialize(LedgerEvents.Batch(Guid.NewGuid(), 1));

        var (none, _) = await PostAsync(body, token: null);
        var (internalToken, _) = await PostAsync(body, token: IngestControlPlane.InternalToken);
        var (wrong, _) = await PostAsync(body, token: IngestControlPlane.IngestToken + "x");

        Assert.Equal(HttpStatusCode.Unauthorized, none);
        Assert.Equal(HttpStatusCode.Unauthorized, internalToken);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
    }

    [Fact]
    public async Task Post_MissingRequiredField_400NamesIt()
    {
        var batch = JsonNode.Parse(Serialize(LedgerEvents.Batch(Guid.NewGuid(), 3)))!;
        batch["events"]![1]!.AsObject().Remove("requestId");

        var (status, body) = await PostAsync(batch.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_batch", body!["error"]!["code"]!.GetValue<string>());
        Assert.Contains("requestId", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_InvalidValue_400NamesEventAndField_NothingStored()
    {
        var org = Guid.NewGuid();
        var events = LedgerEvents.Batch(org, 3);
        events[2] = events[2] with { LogicalModel = new string('m', 201) };

        var (status, body) = await PostAsync(Serialize(events));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("events[2].logicalModel is longer than 200 characters.", body!["error"]!["message"]!.GetValue<string>());
        await using var context = controlPlane.Contexts.CreateDbContext();
        Assert.Equal(0, await context.UsageRecords.CountAsync(r => r.OrganizationId == org));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"events\":[{\"eventId\":\"nope\"}]}")]
    [InlineData("{\"events\":null}")]
    [InlineData("[]")]
    public async Task Post_Malformed_400(string body)
    {
        var (status, answer) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_batch", answer!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_OverTheSizeCap_413()
    {
        var body = "{\"events\":[" + new string(' ', 9 * 1024 * 1024) + "]}";

        var (status, answer) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("payload_too_large", answer!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_TooManyEvents_400()
    {
        var (status, answer) = await PostAsync(Serialize(LedgerEvents.Batch(Guid.NewGuid(), 5001)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 5000", answer!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_DatabaseDown_503ThenStoredWhenItReturns()
    {
        var org = Guid.NewGuid();
        var body = Serialize(LedgerEvents.Batch(org, 20));
        await controlPlane.SetDatabaseDownAsync(true);
        HttpStatusCode down;
        JsonNode? answer;
        try
        {
            (down, answer) = await PostAsync(body);
        }
        finally
        {
            await controlPlane.SetDatabaseDownAsync(false);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down);
        Assert.Equal("ledger_unavailable", answer!["error"]!["code"]!.GetValue<string>());

        // The sender kept the batch and re-sends it: stored once.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode status;
        do
        {
            (status, _) = await PostAsync(body);
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
        await using var context = controlPlane.Contexts.CreateDbContext();
        Assert.Equal(20, await context.UsageRecords.CountAsync(r => r.OrganizationId == org));
    }

    private static string Serialize(IReadOnlyList<UsageEvent> events) =>
        JsonSerializer.Serialize(new UsageBatch { Events = events }, UsageJsonContext.Default.UsageBatch);

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string body, string? token = IngestControlPlane.IngestToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/usage") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
