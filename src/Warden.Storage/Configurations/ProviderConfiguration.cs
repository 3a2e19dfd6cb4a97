using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;
using Warden.Storage.Mapping;

namespace Warden.Storage.Configurations;

internal sealed class ProviderConfiguration : IEntityTypeConfiguration<Provider>
{
    public void Configure(EntityTypeBuilder<Provider> builder)
    {
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Name).HasMaxLength(ModelLimits.Slug);
        builder.Property(p => p.BaseUrl).HasMaxLength(ModelLimits.Url);
        builder.Property(p => p.Settings).HasJsonConversion();
        builder.Property(p => p.Headers).HasJsonConversion();
        builder.Property(p => p.CredentialReference).HasMaxLength(ModelLimits.CredentialReference);
        builder.HasIndex(p => new { p.ProjectId, p.Name }).IsUnique();
        builder.HasOne(p => p.Project).WithMany(p => p.Providers).HasForeignKey(p => p.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
