using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class PlatformAdminGrantConfiguration : IEntityTypeConfiguration<PlatformAdminGrant>
{
    public void Configure(EntityTypeBuilder<PlatformAdminGrant> builder)
    {
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Id).ValueGeneratedNever();
        builder.Property(g => g.Value).HasMaxLength(ModelLimits.Email);
        builder.HasIndex(g => new { g.Kind, g.Value }).IsUnique();
    }
}
