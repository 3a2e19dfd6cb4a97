using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class GuardrailBlockConfiguration : IEntityTypeConfiguration<GuardrailBlock>
{
    public void Configure(EntityTypeBuilder<GuardrailBlock> builder)
    {
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Id).ValueGeneratedNever();
        builder.Property(b => b.RuleId).HasMaxLength(ModelLimits.Code);
        builder.Property(b => b.Kind).HasMaxLength(ModelLimits.Code);
        builder.Property(b => b.Snippet).HasMaxLength(1024);
        builder.Property(b => b.RequestId).HasMaxLength(ModelLimits.Code);
        builder.HasIndex(b => new { b.ProjectId, b.OccurredAt });
        builder.HasIndex(b => new { b.ConsumerId, b.OccurredAt });
    }
}
