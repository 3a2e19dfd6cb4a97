using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Property(o => o.Slug).HasMaxLength(ModelLimits.Slug);
        // SPEC §1: the slug is stable. EF refuses to save a modified slug.
        builder.Property(o => o.Slug).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Throw);
        builder.Property(o => o.Name).HasMaxLength(ModelLimits.Name);
        builder.HasIndex(o => o.Slug).IsUnique();
    }
}
