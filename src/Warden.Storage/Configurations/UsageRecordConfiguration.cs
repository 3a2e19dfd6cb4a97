using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class UsageRecordConfiguration : IEntityTypeConfiguration<UsageRecord>
{
    public void Configure(EntityTypeBuilder<UsageRecord> builder)
    {
        // The event id is the key: ingest is idempotent (INSERT … ON CONFLICT DO NOTHING / a duplicate is rejected).
        builder.HasKey(u => u.EventId);
        builder.Property(u => u.EventId).ValueGeneratedNever();
        builder.Property(u => u.LogicalModel).HasMaxLength(ModelLimits.Model);
        builder.Property(u => u.ProviderName).HasMaxLength(ModelLimits.Slug);
        builder.Property(u => u.UpstreamModel).HasMaxLength(ModelLimits.Model);
        builder.Property(u => u.Status).HasMaxLength(ModelLimits.Code);
        builder.Property(u => u.RequestId).HasMaxLength(ModelLimits.Code);
        // Month-to-date sums per scope: equality on the scope id, range on the time.
        builder.HasIndex(u => new { u.OrganizationId, u.OccurredAt });
        builder.HasIndex(u => new { u.ProjectId, u.OccurredAt });
        builder.HasIndex(u => new { u.ConsumerId, u.OccurredAt });
        // Platform-wide reports and exports of a period (all organizations): a range on the time alone, which the
        // scope-first indexes above cannot serve without scanning the whole ledger.
        builder.HasIndex(u => u.OccurredAt);
    }
}
