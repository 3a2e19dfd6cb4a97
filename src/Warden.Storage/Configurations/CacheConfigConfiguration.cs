using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class CacheConfigConfiguration : IEntityTypeConfiguration<CacheConfig>
{
    public void Configure(EntityTypeBuilder<CacheConfig> builder)
    {
        builder.HasKey(c => c.ProjectId);
        builder.HasOne(c => c.Project).WithOne(p => p.CacheConfig).HasForeignKey<CacheConfig>(c => c.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
