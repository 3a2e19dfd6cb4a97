using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class UsageRecordGroupConfiguration : IEntityTypeConfiguration<UsageRecordGroup>
{
    public void Configure(EntityTypeBuilder<UsageRecordGroup> builder)
    {
        builder.HasKey(g => new { g.EventId, g.GroupId });
        builder.HasIndex(g => new { g.GroupId, g.OccurredAt });
        // Both rows are ledger rows: the attribution goes only with its usage record.
        builder.HasOne<UsageRecord>().WithMany().HasForeignKey(g => g.EventId).OnDelete(DeleteBehavior.Cascade);
    }
}
