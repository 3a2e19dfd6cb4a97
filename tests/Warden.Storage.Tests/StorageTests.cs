using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;
using Warden.Storage.Tests.Fixtures;

namespace Warden.Storage.Tests;

/// <summary>
/// Behaviour every database must show identically. Runs once per database through <see cref="PostgresStorageTests"/>
/// and <see cref="SqliteStorageTests"/>, on a class-wide database; tests use their own ids and never count globally.
/// </summary>
public abstract class StorageTests(StorageFixture fixture)
{
    protected StorageFixture Fixture { get; } = fixture;

    // ---- migrations -------------------------------------------------------------------------------------------

    [Fact]
    public void MigrateAsync_EmptyDatabase_AppliesEveryMigration()
    {
        var all = Fixture.Database.GetAllMigrations();

        Assert.NotEmpty(all);
        Assert.EndsWith("_InitialSchema", all[0], StringComparison.Ordinal);
        Assert.Null(Fixture.CurrentBeforeMigrate);
        Assert.Equal(all, Fixture.PendingBeforeMigrate);
        Assert.Equal(all, Fixture.AppliedByMigrate);
    }

    [Fact]
    public async Task MigrateAsync_MigratedDatabase_LeavesNothingPending()
    {
        var pending = await Fixture.Database.GetPendingMigrationsAsync();
        var appliedAgain = await Fixture.Database.MigrateAsync();
        var current = await Fixture.Database.GetCurrentMigrationAsync();

        Assert.Empty(pending);
        Assert.Empty(appliedAgain);
        Assert.Equal(Fixture.Database.GetAllMigrations()[^1], current);
        Assert.True(await Fixture.Database.CanConnectAsync());
    }

    [Fact]
    public async Task Model_ComparedWithMigrationSnapshot_HasNoPendingChanges()
    {
        await using var context = Fixture.NewContext();

        // Fails when an entity or mapping changed without `dotnet ef migrations add` for this database.
        Assert.False(context.Database.HasPendingModelChanges());
    }

    [Fact]
    public async Task CanConnectAsync_DatabaseNotCreated_ReturnsFalse()
    {
        await using var scratch = await Fixture.CreateScratchDatabaseAsync();
        var options = Fixture.Options.Kind == DatabaseKind.Sqlite
            ? StorageOptions.ForSqliteFile(Path.Combine(Path.GetDirectoryName(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(scratch.Options.ConnectionString).DataSource)!, "missing.db"))
            : StorageOptions.ForPostgres(new Npgsql.NpgsqlConnectionStringBuilder(scratch.Options.ConnectionString) { Database = "warden_missing_" + Guid.NewGuid().ToString("N") }.ConnectionString);

        var canConnect = await new WardenDatabase(new WardenDbContextFactory(options)).CanConnectAsync();

        Assert.False(canConnect);
    }

    // ---- round trip -------------------------------------------------------------------------------------------

    [Fact]
    public async Task SaveChanges_EveryEntityWithEveryPropertySet_ReadsBackEqualInNewContext()
    {
        var graph = new DomainGraph();
        await using (var context = Fixture.NewContext())
        {
            context.AddRange(graph.All);
            await context.SaveChangesAsync();
            foreach (var entity in graph.All)
            {
                EntityAssert.AllPropertiesSet(context.Model.FindEntityType(entity.GetType())!, entity);
            }
        }

        await using var readContext = Fixture.NewContext();
        foreach (var expected in graph.All)
        {
            var entityType = readContext.Model.FindEntityType(expected.GetType())!;
            var key = entityType.FindPrimaryKey()!.Properties.Select(p => p.PropertyInfo!.GetValue(expected)).ToArray();

            var actual = await readContext.FindAsync(expected.GetType(), key);

            Assert.NotNull(actual);
            EntityAssert.AllPropertiesEqual(entityType, expected, actual);
        }
    }

    [Fact]
    public async Task RoundTripGraph_ComparedWithModel_CoversEveryEntityType()
    {
        await using var context = Fixture.NewContext();

        var modelTypes = context.Model.GetEntityTypes().Select(t => t.ClrType).ToHashSet();
        var graphTypes = new DomainGraph().All.Select(e => e.GetType()).ToHashSet();

        Assert.Equal(modelTypes.OrderBy(t => t.Name).Select(t => t.Name), graphTypes.OrderBy(t => t.Name).Select(t => t.Name));
    }

    [Fact]
    public async Task SaveChanges_EnumsAndJson_StoredWithSpecSpelling()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.All);

        await using var context = Fixture.NewContext();
        var type = await context.Database
            .SqlQuery<string>($"SELECT type AS \"Value\" FROM providers WHERE name = {graph.Provider.Name}")
            .SingleAsync();
        var settings = await context.Database
            .SqlQuery<string>($"SELECT CAST(settings AS TEXT) AS \"Value\" FROM providers WHERE name = {graph.Provider.Name}")
            .SingleAsync();
        var outcome = await context.Database
            .SqlQuery<string>($"SELECT outcome AS \"Value\" FROM audit_events WHERE request_id = {graph.AuditEvent.RequestId}")
            .SingleAsync();

        Assert.Equal("azure-openai", type);
        Assert.Contains("\"api-version\"", settings, StringComparison.Ordinal);
        Assert.Equal("denied", outcome);
    }

    [Fact]
    public async Task User_Email_IsNormalizedForLookup()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.Organization, graph.User);

        await using var context = Fixture.NewContext();
        var normalized = User.NormalizeEmail($"  ALICE.{graph.Suffix}@example.com ");
        var found = await context.Users.SingleAsync(u => u.NormalizedEmail == normalized);

        Assert.Equal(graph.User.Id, found.Id);
        Assert.Equal($"Alice.{graph.Suffix}@Example.COM", found.Email);
    }

    // ---- unique constraints -----------------------------------------------------------------------------------

    [Fact]
    public async Task Organization_DuplicateSlug_IsRejected()
    {
        var slug = "dup-" + Guid.NewGuid().ToString("N")[..8];
        await SaveAsync(new Organization { Slug = slug, Name = "First" });

        var exception = await SaveExpectingFailureAsync(new Organization { Slug = slug, Name = "Second" });

        Fixture.AssertUniqueViolation(exception);
    }

    [Fact]
    public async Task Organization_ChangedSlug_IsRefused()
    {
        var organization = new Organization { Slug = "immutable-" + Guid.NewGuid().ToString("N")[..8], Name = "Acme" };
        await SaveAsync(organization);

        await using var context = Fixture.NewContext();
        var loaded = await context.Organizations.SingleAsync(o => o.Id == organization.Id);
        loaded.Slug = loaded.Slug + "-renamed";

        await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
    }

    [Fact]
    public async Task Project_DuplicateSlugInSameOrganization_IsRejected()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.Organization, graph.Project);

        var exception = await SaveExpectingFailureAsync(new Project { OrganizationId = graph.Organization.Id, Slug = graph.Project.Slug, Name = "Again" });

        Fixture.AssertUniqueViolation(exception);
    }

    [Fact]
    public async Task Project_SameSlugInAnotherOrganization_IsAccepted()
    {
        var first = new DomainGraph();
        var second = new DomainGraph();
        await SaveAsync(first.Organization, first.Project, second.Organization);

        await SaveAsync(new Project { OrganizationId = second.Organization.Id, Slug = first.Project.Slug, Name = "Same slug, other org" });

        await using var context = Fixture.NewContext();
        Assert.Equal(2, await context.Projects.CountAsync(p => p.Slug == first.Project.Slug && (p.OrganizationId == first.Organization.Id || p.OrganizationId == second.Organization.Id)));
    }

    [Fact]
    public async Task ApiKey_DuplicatePublicId_IsRejected()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.Organization, graph.User, graph.Project, graph.Consumer, graph.ApiKey);

        var exception = await SaveExpectingFailureAsync(new ApiKey
        {
            ConsumerId = graph.Consumer.Id,
            PublicId = graph.ApiKey.PublicId,
            SecretHash = new byte[32],
            Prefix = "wdn_x",
        });

        Fixture.AssertUniqueViolation(exception);
    }

    [Fact]
    public async Task UsageRecord_DuplicateEventId_IsRejected()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.UsageRecord);
        var resent = new UsageRecord
        {
            EventId = graph.UsageRecord.EventId,
            OrganizationId = graph.UsageRecord.OrganizationId,
            ProjectId = graph.UsageRecord.ProjectId,
            ConsumerId = graph.UsageRecord.ConsumerId,
            LogicalModel = "other",
            Status = "ok",
            RequestId = "req-resent",
            CostUsd = 99m,
        };

        var exception = await SaveExpectingFailureAsync(resent);

        Fixture.AssertUniqueViolation(exception);
        await using var context = Fixture.NewContext();
        Assert.Equal(graph.UsageRecord.CostUsd, (await context.UsageRecords.SingleAsync(u => u.EventId == graph.UsageRecord.EventId)).CostUsd);
    }

    [Fact]
    public async Task User_DuplicateEmailDifferingInCase_IsRejected()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.User);

        var exception = await SaveExpectingFailureAsync(new User { Email = graph.User.Email.ToUpperInvariant(), DisplayName = "Impostor" });

        Fixture.AssertUniqueViolation(exception);
    }

    [Fact]
    public async Task Consumer_SecondConsumerForSameUserAndProject_IsRejected()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.Organization, graph.User, graph.Project, graph.Consumer);

        var exception = await SaveExpectingFailureAsync(new Consumer { ProjectId = graph.Project.Id, UserId = graph.User.Id, Name = "alice-2" });

        Fixture.AssertUniqueViolation(exception);
    }

    [Fact]
    public async Task Consumer_SeveralServiceConsumersInProject_AreAccepted()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.Organization, graph.Project);

        await SaveAsync(
            new Consumer { ProjectId = graph.Project.Id, Name = "batch-job" },
            new Consumer { ProjectId = graph.Project.Id, Name = "ci-bot" });

        await using var context = Fixture.NewContext();
        Assert.Equal(2, await context.Consumers.CountAsync(c => c.ProjectId == graph.Project.Id && c.UserId == null));
    }

    // ---- delete behaviour -------------------------------------------------------------------------------------

    [Fact]
    public async Task Provider_DeleteWhileRouteTargetUsesIt_IsRejected()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.Organization, graph.Project, graph.Provider, graph.Route, graph.RouteTarget);

        var exception = await Assert.ThrowsAsync<DbUpdateException>(async () =>
        {
            await using var context = Fixture.NewContext();
            context.Providers.Remove(await context.Providers.SingleAsync(p => p.Id == graph.Provider.Id));
            await context.SaveChangesAsync();
        });

        Fixture.AssertForeignKeyViolation(exception);
        await using var check = Fixture.NewContext();
        Assert.True(await check.Providers.AnyAsync(p => p.Id == graph.Provider.Id));
    }

    [Fact]
    public async Task Provider_DeleteAfterRouteTargetRemoved_Succeeds()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.Organization, graph.Project, graph.Provider, graph.Route, graph.RouteTarget);

        await using (var context = Fixture.NewContext())
        {
            context.RouteTargets.Remove(await context.RouteTargets.SingleAsync(t => t.Id == graph.RouteTarget.Id));
            context.Providers.Remove(await context.Providers.SingleAsync(p => p.Id == graph.Provider.Id));
            await context.SaveChangesAsync();
        }

        await using var check = Fixture.NewContext();
        Assert.False(await check.Providers.AnyAsync(p => p.Id == graph.Provider.Id));
    }

    [Fact]
    public async Task Project_Delete_RemovesConfigConsumersAndKeysButKeepsLedger()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.All);

        await using (var context = Fixture.NewContext())
        {
            // Only the project is loaded: the database's cascades do the rest.
            context.Projects.Remove(await context.Projects.SingleAsync(p => p.Id == graph.Project.Id));
            await context.SaveChangesAsync();
        }

        await using var check = Fixture.NewContext();
        var projectId = graph.Project.Id;
        Assert.False(await check.Projects.AnyAsync(p => p.Id == projectId));
        Assert.False(await check.Consumers.AnyAsync(c => c.ProjectId == projectId));
        Assert.False(await check.ApiKeys.AnyAsync(k => k.Id == graph.ApiKey.Id));
        Assert.False(await check.Providers.AnyAsync(p => p.ProjectId == projectId));
        Assert.False(await check.Routes.AnyAsync(r => r.ProjectId == projectId));
        Assert.False(await check.RouteTargets.AnyAsync(t => t.Id == graph.RouteTarget.Id));
        Assert.False(await check.McpServers.AnyAsync(m => m.ProjectId == projectId));
        Assert.False(await check.GuardrailConfigs.AnyAsync(g => g.ProjectId == projectId));
        Assert.False(await check.CacheConfigs.AnyAsync(c => c.ProjectId == projectId));
        Assert.False(await check.SemanticGuardConfigs.AnyAsync(s => s.ProjectId == projectId));
        Assert.False(await check.Budgets.AnyAsync(b => b.ProjectId == projectId));
        Assert.False(await check.Limits.AnyAsync(l => l.ProjectId == projectId));
        Assert.False(await check.ProjectGroups.AnyAsync(p => p.ProjectId == projectId));
        // Organization-level rows and the ledgers stay.
        Assert.True(await check.Organizations.AnyAsync(o => o.Id == graph.Organization.Id));
        Assert.True(await check.Groups.AnyAsync(g => g.Id == graph.Group.Id));
        Assert.True(await check.Users.AnyAsync(u => u.Id == graph.User.Id));
        Assert.True(await check.UsageRecords.AnyAsync(u => u.EventId == graph.UsageRecord.EventId));
        Assert.True(await check.UsageRecordGroups.AnyAsync(u => u.EventId == graph.UsageRecord.EventId));
        Assert.True(await check.GuardrailBlocks.AnyAsync(b => b.Id == graph.GuardrailBlock.Id));
        Assert.True(await check.AuditEvents.AnyAsync(a => a.Id == graph.AuditEvent.Id));
    }

    [Fact]
    public async Task Organization_Delete_RemovesProjectsGroupsAndMemberships()
    {
        var graph = new DomainGraph();
        await SaveAsync(graph.All);

        await using (var context = Fixture.NewContext())
        {
            context.Organizations.Remove(await context.Organizations.SingleAsync(o => o.Id == graph.Organization.Id));
            await context.SaveChangesAsync();
        }

        await using var check = Fixture.NewContext();
        Assert.False(await check.Projects.AnyAsync(p => p.OrganizationId == graph.Organization.Id));
        Assert.False(await check.Groups.AnyAsync(g => g.OrganizationId == graph.Organization.Id));
        Assert.False(await check.Memberships.AnyAsync(m => m.OrganizationId == graph.Organization.Id));
        Assert.False(await check.GroupMemberships.AnyAsync(m => m.GroupId == graph.Group.Id));
        Assert.False(await check.ApiKeys.AnyAsync(k => k.Id == graph.ApiKey.Id));
        Assert.False(await check.AccessTokens.AnyAsync(t => t.OrganizationId == graph.Organization.Id));
        Assert.True(await check.Users.AnyAsync(u => u.Id == graph.User.Id));
        Assert.True(await check.UsageRecords.AnyAsync(u => u.EventId == graph.UsageRecord.EventId));
    }

    // ---- queries ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task CostQueries_MonthToDate_SumExactlyPerScopeInDatabase()
    {
        var ledger = new LedgerScenario();
        await SaveAsync(ledger.Records);
        await SaveAsync(ledger.GroupAttributions);
        var (start, end) = UsageLedgerQueries.CalendarMonthUtc(new DateTimeOffset(2026, 3, 31, 23, 0, 0, TimeSpan.FromHours(-5)));
        await using var context = Fixture.NewContext();
        var records = context.UsageRecords.Where(r => ledger.OrganizationIds.Contains(r.OrganizationId));
        var attributions = context.UsageRecordGroups.Where(g => ledger.GroupIds.Contains(g.GroupId));

        var byOrganization = await records.CostByOrganization(start, end).ToDictionaryAsync(c => c.ScopeId, c => c.CostUsd);
        var byProject = await records.CostByProject(start, end).ToDictionaryAsync(c => c.ScopeId, c => c.CostUsd);
        var byConsumer = await records.CostByConsumer(start, end).ToDictionaryAsync(c => c.ScopeId, c => c.CostUsd);
        var byGroup = await attributions.CostByGroup(start, end).ToDictionaryAsync(c => c.ScopeId, c => c.CostUsd);

        // 2026-03-31T23:00-05:00 is in April UTC: the window is April.
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(ledger.ExpectedByOrganization, byOrganization);
        Assert.Equal(ledger.ExpectedByProject, byProject);
        Assert.Equal(ledger.ExpectedByConsumer, byConsumer);
        Assert.Equal(ledger.ExpectedByGroup, byGroup);
    }

    [Fact]
    public async Task CostQueries_Translation_AggregatesInSql()
    {
        await using var context = Fixture.NewContext();
        var (start, end) = UsageLedgerQueries.CalendarMonthUtc(DomainGraph.T0);

        var queries = new[]
        {
            context.UsageRecords.CostByOrganization(start, end).ToQueryString(),
            context.UsageRecords.CostByProject(start, end).ToQueryString(),
            context.UsageRecords.CostByConsumer(start, end).ToQueryString(),
            context.UsageRecordGroups.CostByGroup(start, end).ToQueryString(),
        };

        Assert.All(queries, sql =>
        {
            Assert.Contains("SUM(", sql, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("GROUP BY", sql, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("occurred_at", sql, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Queries_TimeAndMoneyComparisonsAndOrdering_RunInDatabase()
    {
        var graph = new DomainGraph();
        var slug = graph.Organization.Slug;
        var events = Enumerable.Range(0, 5)
            .Select(i => new AuditEvent
            {
                OccurredAt = DomainGraph.T0.AddMicroseconds(i),
                Actor = "ops@example.com",
                OrganizationSlug = slug,
                Action = "org.update",
                Outcome = AuditOutcome.Allowed,
                HttpStatus = 200,
                PreviousHash = new byte[32],
                Hash = new byte[32],
            })
            .ToList();
        await SaveAsync(events);
        var prices = new[] { 0.000000001m, 0.000000002m, 5m }
            .Select((rate, i) => new Price { Model = $"cmp-{graph.Suffix}-{i}", InputUsdPerMillion = rate, OutputUsdPerMillion = rate })
            .ToList();
        await SaveAsync(prices);
        await using var context = Fixture.NewContext();

        var latestThree = await context.AuditEvents
            .Where(a => a.OrganizationSlug == slug && a.OccurredAt > DomainGraph.T0)
            .OrderByDescending(a => a.OccurredAt)
            .Take(3)
            .Select(a => a.OccurredAt)
            .ToListAsync();
        var newest = await context.AuditEvents.Where(a => a.OrganizationSlug == slug).MaxAsync(a => a.OccurredAt);
        var cheap = await context.Prices
            .Where(p => p.Model.StartsWith($"cmp-{graph.Suffix}-") && p.InputUsdPerMillion > 0.000000001m)
            .OrderBy(p => p.InputUsdPerMillion)
            .Select(p => p.InputUsdPerMillion)
            .ToListAsync();

        Assert.Equal([DomainGraph.T0.AddMicroseconds(4), DomainGraph.T0.AddMicroseconds(3), DomainGraph.T0.AddMicroseconds(2)], latestThree);
        Assert.Equal(DomainGraph.T0.AddMicroseconds(4), newest);
        Assert.Equal([0.000000002m, 5m], cheap);
    }

    [Fact]
    public async Task AuditEvent_Inserted_GetsIncreasingSequenceIds()
    {
        var first = new DomainGraph().AuditEvent;
        var second = new DomainGraph().AuditEvent;

        await SaveAsync(first);
        await SaveAsync(second);

        Assert.True(first.Id > 0);
        Assert.True(second.Id > first.Id);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    protected async Task SaveAsync(params IEnumerable<object> entities)
    {
        await using var context = Fixture.NewContext();
        context.AddRange(entities);
        await context.SaveChangesAsync();
    }

    protected async Task<DbUpdateException> SaveExpectingFailureAsync(params IEnumerable<object> entities)
    {
        await using var context = Fixture.NewContext();
        context.AddRange(entities);
        return await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
    }
}
