using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).ValueGeneratedNever();
        builder.Property(k => k.PublicId).HasMaxLength(ModelLimits.PublicId);
        builder.Property(k => k.PublicId).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Throw);
        builder.Property(k => k.SecretHash).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Throw);
        builder.Property(k => k.Prefix).HasMaxLength(ModelLimits.PublicId);
        builder.Property(k => k.Name).HasMaxLength(ModelLimits.Name);
        builder.HasIndex(k => k.PublicId).IsUnique();
        builder.HasOne(k => k.Consumer).WithMany(c => c.ApiKeys).HasForeignKey(k => k.ConsumerId).OnDelete(DeleteBehavior.Cascade);
    }
}
