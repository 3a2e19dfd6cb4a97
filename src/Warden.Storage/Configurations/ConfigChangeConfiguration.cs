using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class ConfigChangeConfiguration : IEntityTypeConfiguration<ConfigChange>
{
    public void Configure(EntityTypeBuilder<ConfigChange> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedOnAdd();
        builder.Property(c => c.EntityKind).HasMaxLength(ModelLimits.Code);
        builder.HasOne(c => c.Revision).WithMany(r => r.Changes).HasForeignKey(c => c.RevisionId).OnDelete(DeleteBehavior.Cascade);
    }
}
