using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> builder)
    {
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Id).ValueGeneratedNever();
        builder.Property(g => g.Slug).HasMaxLength(ModelLimits.Slug);
        builder.Property(g => g.Name).HasMaxLength(ModelLimits.Name);
        builder.Property(g => g.IdpGroupClaim).HasMaxLength(ModelLimits.Name);
        builder.HasIndex(g => new { g.OrganizationId, g.Slug }).IsUnique();
        builder.HasOne(g => g.Organization).WithMany(o => o.Groups).HasForeignKey(g => g.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}
