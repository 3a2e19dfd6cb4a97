using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class SemanticGuardConfigConfiguration : IEntityTypeConfiguration<SemanticGuardConfig>
{
    public void Configure(EntityTypeBuilder<SemanticGuardConfig> builder)
    {
        builder.HasKey(s => s.ProjectId);
        builder.HasOne(s => s.Project).WithOne(p => p.SemanticGuardConfig).HasForeignKey<SemanticGuardConfig>(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
