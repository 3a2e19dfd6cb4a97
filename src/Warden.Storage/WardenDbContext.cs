using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;
using Warden.Storage.Mapping;

namespace Warden.Storage;

/// <summary>
/// The control-plane database: every SPEC §1 entity. The model is the same on both databases; the PostgreSQL and
/// SQLite subclasses only adjust column types and conversions and own their migration sets. Obtain instances from
/// <see cref="WardenDbContextFactory"/> (or <c>IDbContextFactory&lt;WardenDbContext&gt;</c>).
/// </summary>
public abstract class WardenDbContext : DbContext
{
    // private protected: only the two provider contexts in this assembly can exist.
    private protected WardenDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>Which database this context talks to.</summary>
    public abstract DatabaseKind Kind { get; }

    /// <summary>Organizations.</summary>
    public DbSet<Organization> Organizations => Set<Organization>();

    /// <summary>Users.</summary>
    public DbSet<User> Users => Set<User>();

    /// <summary>Organization memberships.</summary>
    public DbSet<Membership> Memberships => Set<Membership>();

    /// <summary>Platform-admin grants.</summary>
    public DbSet<PlatformAdminGrant> PlatformAdminGrants => Set<PlatformAdminGrant>();

    /// <summary>Groups.</summary>
    public DbSet<Group> Groups => Set<Group>();

    /// <summary>Group memberships.</summary>
    public DbSet<GroupMembership> GroupMemberships => Set<GroupMembership>();

    /// <summary>Group-to-project assignments.</summary>
    public DbSet<ProjectGroup> ProjectGroups => Set<ProjectGroup>();

    /// <summary>Organizations' SSO connections.</summary>
    public DbSet<SsoConnection> SsoConnections => Set<SsoConnection>();

    /// <summary>Projects.</summary>
    public DbSet<Project> Projects => Set<Project>();

    /// <summary>Consumers.</summary>
    public DbSet<Consumer> Consumers => Set<Consumer>();

    /// <summary>Gateway API keys.</summary>
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary>Upstream providers.</summary>
    public DbSet<Provider> Providers => Set<Provider>();

    /// <summary>Logical-model routes.</summary>
    public DbSet<Route> Routes => Set<Route>();

    /// <summary>Route targets.</summary>
    public DbSet<RouteTarget> RouteTargets => Set<RouteTarget>();

    /// <summary>The price table.</summary>
    public DbSet<Price> Prices => Set<Price>();

    /// <summary>Monthly budgets.</summary>
    public DbSet<Budget> Budgets => Set<Budget>();

    /// <summary>Rate limits.</summary>
    public DbSet<Limit> Limits => Set<Limit>();

    /// <summary>Per-project guardrail settings.</summary>
    public DbSet<GuardrailConfig> GuardrailConfigs => Set<GuardrailConfig>();

    /// <summary>Platform-wide settings.</summary>
    public DbSet<PlatformSetting> PlatformSettings => Set<PlatformSetting>();

    /// <summary>Per-project semantic cache settings.</summary>
    public DbSet<CacheConfig> CacheConfigs => Set<CacheConfig>();

    /// <summary>Per-project semantic guard settings.</summary>
    public DbSet<SemanticGuardConfig> SemanticGuardConfigs => Set<SemanticGuardConfig>();

    /// <summary>MCP servers.</summary>
    public DbSet<McpServer> McpServers => Set<McpServer>();

    /// <summary>The usage ledger.</summary>
    public DbSet<UsageRecord> UsageRecords => Set<UsageRecord>();

    /// <summary>Group attribution of usage records.</summary>
    public DbSet<UsageRecordGroup> UsageRecordGroups => Set<UsageRecordGroup>();

    /// <summary>Guardrail block records.</summary>
    public DbSet<GuardrailBlock> GuardrailBlocks => Set<GuardrailBlock>();

    /// <summary>The hash-chained audit log.</summary>
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    /// <summary>Admin-API access tokens.</summary>
    public DbSet<AccessToken> AccessTokens => Set<AccessToken>();

    /// <summary>Configuration revisions.</summary>
    public DbSet<ConfigRevision> ConfigRevisions => Set<ConfigRevision>();

    /// <summary>The configuration change outbox.</summary>
    public DbSet<ConfigChange> ConfigChanges => Set<ConfigChange>();

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // Enums are stored as their SPEC spelling, never as numbers: a reordered enum cannot corrupt data.
        configurationBuilder.Properties<MembershipRole>().HaveConversion<EnumNameConverter<MembershipRole>>().HaveMaxLength(32);
        configurationBuilder.Properties<PlatformAdminGrantKind>().HaveConversion<EnumNameConverter<PlatformAdminGrantKind>>().HaveMaxLength(32);
        configurationBuilder.Properties<ProviderType>().HaveConversion<EnumNameConverter<ProviderType>>().HaveMaxLength(32);
        configurationBuilder.Properties<RouteStrategy>().HaveConversion<EnumNameConverter<RouteStrategy>>().HaveMaxLength(32);
        configurationBuilder.Properties<PriceSource>().HaveConversion<EnumNameConverter<PriceSource>>().HaveMaxLength(32);
        configurationBuilder.Properties<ScopeKind>().HaveConversion<EnumNameConverter<ScopeKind>>().HaveMaxLength(32);
        configurationBuilder.Properties<CacheKeyStrategy>().HaveConversion<EnumNameConverter<CacheKeyStrategy>>().HaveMaxLength(32);
        configurationBuilder.Properties<AuditOutcome>().HaveConversion<EnumNameConverter<AuditOutcome>>().HaveMaxLength(32);
        configurationBuilder.Properties<ConfigOperation>().HaveConversion<EnumNameConverter<ConfigOperation>>().HaveMaxLength(32);
        configurationBuilder.Properties<AccessTokenRole>().HaveConversion<EnumNameConverter<AccessTokenRole>>().HaveMaxLength(32);
        configurationBuilder.Properties<SsoConnectionKind>().HaveConversion<EnumNameConverter<SsoConnectionKind>>().HaveMaxLength(32);
    }

    /// <inheritdoc />
    protected sealed override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(WardenDbContext).Assembly);
        ConfigureProviderModel(modelBuilder);
        SnakeCaseNaming.Apply(modelBuilder.Model);
    }

    /// <summary>Provider-specific column types, applied after the shared configuration and before naming.</summary>
    private protected abstract void ConfigureProviderModel(ModelBuilder modelBuilder);
}
