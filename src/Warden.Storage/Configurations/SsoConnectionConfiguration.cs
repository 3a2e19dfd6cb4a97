using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class SsoConnectionConfiguration : IEntityTypeConfiguration<SsoConnection>
{
    public void Configure(EntityTypeBuilder<SsoConnection> builder)
    {
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(ModelLimits.Slug);
        builder.Property(s => s.IssuerUrl).HasMaxLength(ModelLimits.Url);
        builder.Property(s => s.MetadataUrl).HasMaxLength(ModelLimits.Url);
        builder.Property(s => s.ClientId).HasMaxLength(ModelLimits.Name);
        builder.Property(s => s.ClientSecretReference).HasMaxLength(ModelLimits.CredentialReference);
        builder.HasIndex(s => new { s.OrganizationId, s.Name }).IsUnique();
        builder.HasOne(s => s.Organization).WithMany().HasForeignKey(s => s.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}
