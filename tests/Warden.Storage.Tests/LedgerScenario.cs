using Warden.Storage.Entities;

namespace Warden.Storage.Tests;

/// <summary>
/// Usage in April 2026 (UTC) for two organizations, three projects, four consumers and two groups, plus records
/// just outside the month. Expected totals are written out by hand, to the nano-dollar.
/// </summary>
internal sealed class LedgerScenario
{
    private static readonly DateTimeOffset AprilStart = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MayStart = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Guid _orgA = Guid.CreateVersion7();
    private readonly Guid _orgB = Guid.CreateVersion7();
    private readonly Guid _projectA1 = Guid.CreateVersion7();
    private readonly Guid _projectA2 = Guid.CreateVersion7();
    private readonly Guid _projectB1 = Guid.CreateVersion7();
    private readonly Guid _consumerA1 = Guid.CreateVersion7();
    private readonly Guid _consumerA2 = Guid.CreateVersion7();
    private readonly Guid _consumerA3 = Guid.CreateVersion7();
    private readonly Guid _consumerB1 = Guid.CreateVersion7();
    private readonly Guid _group1 = Guid.CreateVersion7();
    private readonly Guid _group2 = Guid.CreateVersion7();

    public LedgerScenario()
    {
        Add(AprilStart, _orgA, _projectA1, _consumerA1, 0.000000001m, _group1);
        Add(AprilStart.AddDays(14).AddHours(12), _orgA, _projectA1, _consumerA1, 1.123456789m, _group1, _group2);
        Add(MayStart.AddMicroseconds(-1), _orgA, _projectA1, _consumerA2, 2.5m, _group2);
        Add(AprilStart.AddDays(9), _orgA, _projectA2, _consumerA3, 10.000000007m);
        Add(AprilStart.AddMicroseconds(-1), _orgA, _projectA1, _consumerA1, 100m, _group1);
        Add(MayStart, _orgA, _projectA2, _consumerA3, 200m, _group2);
        Add(AprilStart.AddDays(19), _orgB, _projectB1, _consumerB1, 0.333333333m, _group1);
        Add(AprilStart.AddDays(20), _orgB, _projectB1, _consumerB1, 0.666666667m);
    }

    public List<UsageRecord> Records { get; } = [];

    public List<UsageRecordGroup> GroupAttributions { get; } = [];

    public IReadOnlyList<Guid> OrganizationIds => [_orgA, _orgB];

    public IReadOnlyList<Guid> GroupIds => [_group1, _group2];

    public Dictionary<Guid, decimal> ExpectedByOrganization => new() { [_orgA] = 13.623456797m, [_orgB] = 1m };

    public Dictionary<Guid, decimal> ExpectedByProject => new() { [_projectA1] = 3.62345679m, [_projectA2] = 10.000000007m, [_projectB1] = 1m };

    public Dictionary<Guid, decimal> ExpectedByConsumer => new()
    {
        [_consumerA1] = 1.12345679m,
        [_consumerA2] = 2.5m,
        [_consumerA3] = 10.000000007m,
        [_consumerB1] = 1m,
    };

    public Dictionary<Guid, decimal> ExpectedByGroup => new() { [_group1] = 1.456790123m, [_group2] = 3.623456789m };

    private void Add(DateTimeOffset occurredAt, Guid organizationId, Guid projectId, Guid consumerId, decimal cost, params Guid[] groups)
    {
        var record = new UsageRecord
        {
            EventId = Guid.CreateVersion7(),
            OccurredAt = occurredAt,
            OrganizationId = organizationId,
            ProjectId = projectId,
            ConsumerId = consumerId,
            LogicalModel = "coding-default",
            Status = "ok",
            RequestId = "req-" + Records.Count,
            CostUsd = cost,
        };
        Records.Add(record);
        GroupAttributions.AddRange(groups.Select(g => new UsageRecordGroup { EventId = record.EventId, GroupId = g, OccurredAt = occurredAt, CostUsd = cost }));
    }
}
