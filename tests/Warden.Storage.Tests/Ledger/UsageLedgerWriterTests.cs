using Microsoft.EntityFrameworkCore;
using Warden.Core.Usage;
using Warden.Storage.Ledger;
using Warden.Storage.Tests.Fixtures;

namespace Warden.Storage.Tests.Ledger;

/// <summary>
/// The ledger's bulk writer on each database: rows land exactly as sent (read back through the EF Core model), and a
/// re-sent batch — whole, partly overlapping, or with a duplicate inside — never adds a row twice.
/// </summary>
public abstract class UsageLedgerWriterTests(StorageFixture fixture) : IAsyncLifetime
{
    private UsageLedgerWriter _writer = null!;

    protected StorageFixture Fixture { get; } = fixture;

    public Task InitializeAsync()
    {
        _writer = new UsageLedgerWriter(Fixture.Options);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _writer.DisposeAsync();

    [Fact]
    public async Task WriteAsync_Batch_StoresEveryFieldAndGroupAttribution()
    {
        var org = Guid.NewGuid();
        var groupA = Guid.NewGuid();
        var groupB = Guid.NewGuid();
        var batch = UsageEvents.Batch(org, Guid.NewGuid(), 50, groupA, groupB);

        var inserted = await _writer.WriteAsync(batch);

        Assert.Equal(50, inserted);
        await using var context = Fixture.NewContext();
        var rows = await context.UsageRecords.Where(r => r.OrganizationId == org).ToDictionaryAsync(r => r.EventId);
        Assert.Equal(50, rows.Count);
        foreach (var e in batch)
        {
            var row = rows[e.EventId];
            Assert.Equal(e.OccurredAt, row.OccurredAt);
            Assert.Equal(e.ProjectId, row.ProjectId);
            Assert.Equal(e.ConsumerId, row.ConsumerId);
            Assert.Equal(e.KeyId, row.ApiKeyId);
            Assert.Equal(e.LogicalModel, row.LogicalModel);
            Assert.Equal(e.ProviderName, row.ProviderName);
            Assert.Equal(e.UpstreamModel, row.UpstreamModel);
            Assert.Equal(e.Tokens, new TokenUsage(row.InputTokens, row.OutputTokens, row.CacheReadTokens, row.CacheWriteTokens));
            Assert.Equal(e.CostUsd, row.CostUsd);
            Assert.Equal(e.Status, row.Status);
            Assert.Equal(e.LatencyMs, row.LatencyMs);
            Assert.Equal(e.RequestId, row.RequestId);
        }

        var ids = batch.Select(e => e.EventId).ToList();
        var groups = await context.UsageRecordGroups.Where(g => ids.Contains(g.EventId)).ToListAsync();
        Assert.Equal(100, groups.Count);
        Assert.Equal(batch.Sum(e => e.CostUsd), groups.Where(g => g.GroupId == groupA).Sum(g => g.CostUsd));
    }

    [Fact]
    public async Task WriteAsync_SameBatchTwice_RowsOnce()
    {
        var org = Guid.NewGuid();
        var group = Guid.NewGuid();
        var batch = UsageEvents.Batch(org, Guid.NewGuid(), 500, group);

        var first = await _writer.WriteAsync(batch);
        var second = await _writer.WriteAsync(batch);

        Assert.Equal(500, first);
        Assert.Equal(0, second);
        await using var context = Fixture.NewContext();
        Assert.Equal(500, await context.UsageRecords.CountAsync(r => r.OrganizationId == org));
        Assert.Equal(500, await context.UsageRecordGroups.CountAsync(g => g.GroupId == group));
        // Month-to-date spend derived from the ledger counts each event once.
        var (start, end) = UsageLedgerQueries.CalendarMonthUtc(batch[0].OccurredAt);
        var spend = await context.UsageRecords.Where(r => r.OrganizationId == org).CostByOrganization(start, end).SingleAsync();
        Assert.Equal(batch.Sum(e => e.CostUsd), spend.CostUsd);
    }

    [Fact]
    public async Task WriteAsync_OverlappingBatchAndDuplicateInside_InsertsOnlyNewEvents()
    {
        var org = Guid.NewGuid();
        var consumer = Guid.NewGuid();
        var first = UsageEvents.Batch(org, consumer, 10);
        await _writer.WriteAsync(first);
        var fresh = UsageEvents.Batch(org, consumer, 5);
        List<UsageEvent> overlapping = [.. first.Take(4), .. fresh, fresh[0]];

        var inserted = await _writer.WriteAsync(overlapping);

        Assert.Equal(5, inserted);
        await using var context = Fixture.NewContext();
        Assert.Equal(15, await context.UsageRecords.CountAsync(r => r.OrganizationId == org));
    }

    [Fact]
    public async Task WriteAsync_BatchWithBlocks_StoresUsageAndBlockRowsOnce()
    {
        var org = Guid.NewGuid();
        var consumer = Guid.NewGuid();
        var batch = UsageEvents.Batch(org, consumer, 20);
        batch[3] = UsageEvents.Blocked(batch[3], new GuardrailBlockInfo("pii.credit_card", "pii", "card [CREDIT_CARD] please"));
        batch[11] = UsageEvents.Blocked(batch[11], new GuardrailBlockInfo("jailbreak.dan", "pattern", "you are now [MATCH]"));

        var first = await _writer.WriteAsync(batch);
        // A re-sent batch, and one where a blocked event comes again with new events around it.
        var second = await _writer.WriteAsync(batch);
        var third = await _writer.WriteAsync([batch[3], .. UsageEvents.Batch(org, consumer, 2)]);

        Assert.Equal(20, first);
        Assert.Equal(0, second);
        Assert.Equal(2, third);
        await using var context = Fixture.NewContext();
        var blocks = await context.GuardrailBlocks.Where(b => b.OrganizationId == org).OrderBy(b => b.RuleId).ToListAsync();
        Assert.Equal(2, blocks.Count);
        var card = blocks.Single(b => b.Id == batch[3].EventId);
        Assert.Equal("pii.credit_card", card.RuleId);
        Assert.Equal("pii", card.Kind);
        Assert.Equal("card [CREDIT_CARD] please", card.Snippet);
        Assert.Equal(batch[3].OccurredAt, card.OccurredAt);
        Assert.Equal(batch[3].ProjectId, card.ProjectId);
        Assert.Equal(consumer, card.ConsumerId);
        Assert.Equal(batch[3].RequestId, card.RequestId);
        Assert.False(card.ReportedFalsePositive);
        Assert.Null(card.ReportedAt);
        Assert.Equal("pattern", blocks.Single(b => b.Id == batch[11].EventId).Kind);

        // The usage row is still written: a $0 request with status guardrail_blocked.
        var usage = await context.UsageRecords.SingleAsync(r => r.EventId == batch[3].EventId);
        Assert.Equal("guardrail_blocked", usage.Status);
        Assert.Equal(0m, usage.CostUsd);
        Assert.Equal(22, await context.UsageRecords.CountAsync(r => r.OrganizationId == org));
    }

    [Fact]
    public async Task WriteAsync_BatchWithoutBlocks_WritesNoBlockRows()
    {
        var org = Guid.NewGuid();

        await _writer.WriteAsync(UsageEvents.Batch(org, Guid.NewGuid(), 10));

        await using var context = Fixture.NewContext();
        Assert.Equal(10, await context.UsageRecords.CountAsync(r => r.OrganizationId == org));
        Assert.False(await context.GuardrailBlocks.AnyAsync(b => b.OrganizationId == org));
    }

    [Fact]
    public async Task WriteAsync_ConcurrentResendsOfOneBatch_RowsOnce()
    {
        var org = Guid.NewGuid();
        var batch = UsageEvents.Batch(org, Guid.NewGuid(), 200, Guid.NewGuid());

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _writer.WriteAsync(batch)));

        Assert.Equal(200, results.Sum());
        await using var context = Fixture.NewContext();
        Assert.Equal(200, await context.UsageRecords.CountAsync(r => r.OrganizationId == org));
    }
}

/// <summary><see cref="UsageLedgerWriterTests"/> on PostgreSQL (binary COPY into staging, ON CONFLICT DO NOTHING).</summary>
public sealed class PostgresUsageLedgerWriterTests(PostgresStorageFixture fixture) : UsageLedgerWriterTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary><see cref="UsageLedgerWriterTests"/> on SQLite (INSERT OR IGNORE in one transaction).</summary>
public sealed class SqliteUsageLedgerWriterTests(SqliteStorageFixture fixture) : UsageLedgerWriterTests(fixture), IClassFixture<SqliteStorageFixture>;
