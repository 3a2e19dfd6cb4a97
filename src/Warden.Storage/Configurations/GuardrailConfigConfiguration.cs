using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;
using Warden.Storage.Mapping;

namespace Warden.Storage.Configurations;

internal sealed class GuardrailConfigConfiguration : IEntityTypeConfiguration<GuardrailConfig>
{
    public void Configure(EntityTypeBuilder<GuardrailConfig> builder)
    {
        builder.HasKey(g => g.ProjectId);
        builder.Property(g => g.CustomPatterns).HasJsonConversion();
        // Null (inherit the platform default) is stored as SQL NULL; converters only ever see non-null values.
        builder.Property(g => g.PiiRules!).HasJsonConversion();
        builder.HasOne(g => g.Project).WithOne(p => p.GuardrailConfig).HasForeignKey<GuardrailConfig>(g => g.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
