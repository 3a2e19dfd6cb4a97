using Npgsql;
using NpgsqlTypes;
using Warden.Tests.Admin;
using Xunit.Abstractions;

namespace Warden.Tests.Usage;

/// <summary>
/// The month-to-date and period queries of the usage views are served by the ledger's indexes on PostgreSQL (a year
/// of rows for 20 organizations, statistics analysed; a month-to-date window three days into June): the plan for
/// each query shape names the index it relies on.
/// </summary>
public sealed class LedgerIndexTests : IClassFixture<AdminApiServer>
{
    private const int Organizations = 20;
    private const int RowsPerOrganization = 2_000;
    private static readonly DateTimeOffset s_yearStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly AdminApiServer _server;
    private readonly ITestOutputHelper _output;

    public LedgerIndexTests(AdminApiServer server, ITestOutputHelper output)
    {
        _server = server;
        _output = output;
    }

    [Fact]
    public async Task MonthToDateAndPeriodQueries_UseTheLedgerIndexes()
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        var ids = await LoadAsync(connection);
        var (org, project, consumer) = ids[7];

        // Shapes of UsageLedgerQueries / the reports: equality on a scope id, range on the time; and the platform range.
        var byOrg = await PlanAsync(connection, "SELECT organization_id, sum(cost_usd) FROM usage_records WHERE organization_id = @id AND occurred_at >= @from AND occurred_at < @to GROUP BY organization_id", org);
        var byProject = await PlanAsync(connection, "SELECT project_id, sum(cost_usd) FROM usage_records WHERE project_id = @id AND occurred_at >= @from AND occurred_at < @to GROUP BY project_id", project);
        var byConsumer = await PlanAsync(connection, "SELECT consumer_id, sum(cost_usd) FROM usage_records WHERE consumer_id = @id AND occurred_at >= @from AND occurred_at < @to GROUP BY consumer_id", consumer);
        var platform = await PlanAsync(connection, "SELECT count(*), sum(cost_usd) FROM usage_records WHERE occurred_at >= @from AND occurred_at < @to AND @id IS NOT NULL", org);

        Assert.Contains("ix_usage_records_organization_id_occurred_at", byOrg, StringComparison.Ordinal);
        Assert.Contains("ix_usage_records_project_id_occurred_at", byProject, StringComparison.Ordinal);
        Assert.Contains("ix_usage_records_consumer_id_occurred_at", byConsumer, StringComparison.Ordinal);
        Assert.Contains("ix_usage_records_occurred_at", platform, StringComparison.Ordinal);
    }

    private async Task<string> PlanAsync(NpgsqlConnection connection, string sql, Guid id)
    {
        await using var command = new NpgsqlCommand("EXPLAIN " + sql, connection);
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = id });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero) });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = new DateTimeOffset(2025, 6, 4, 0, 0, 0, TimeSpan.Zero) });
        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        var plan = string.Join('\n', lines);
        _output.WriteLine(sql + "\n" + plan + "\n");
        return plan;
    }

    /// <summary>A year of rows for each organization (one project and consumer each), then ANALYZE.</summary>
    private static async Task<List<(Guid Org, Guid Project, Guid Consumer)>> LoadAsync(NpgsqlConnection connection)
    {
        var ids = Enumerable.Range(0, Organizations).Select(_ => (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid())).ToList();
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO usage_records (event_id, occurred_at, organization_id, project_id, consumer_id, logical_model, input_tokens, output_tokens,
                cache_read_tokens, cache_write_tokens, cost_usd, cache_hit, status, latency_ms, request_id)
            SELECT gen_random_uuid(), @start + (g * (interval '365 days' / @rows)), o.org, o.project, o.consumer, 'm', 1, 1, 0, 0, 0.001, false, 'ok', 1, 'r'
            FROM generate_series(0, @rows - 1) AS g CROSS JOIN unnest(@orgs, @projects, @consumers) AS o(org, project, consumer)
            """,
            connection))
        {
            insert.Parameters.Add(new NpgsqlParameter("start", NpgsqlDbType.TimestampTz) { Value = s_yearStart });
            insert.Parameters.Add(new NpgsqlParameter("rows", NpgsqlDbType.Integer) { Value = RowsPerOrganization });
            insert.Parameters.Add(new NpgsqlParameter("orgs", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids.Select(i => i.Item1).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("projects", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids.Select(i => i.Item2).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("consumers", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids.Select(i => i.Item3).ToArray() });
            await insert.ExecuteNonQueryAsync();
        }

        await using var analyze = new NpgsqlCommand("ANALYZE usage_records", connection);
        await analyze.ExecuteNonQueryAsync();
        return ids;
    }
}
