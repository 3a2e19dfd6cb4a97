using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class ConfigRevisionConfiguration : IEntityTypeConfiguration<ConfigRevision>
{
    public void Configure(EntityTypeBuilder<ConfigRevision> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedOnAdd();
        builder.Property(r => r.Reason).HasMaxLength(ModelLimits.Code);
        builder.Property(r => r.Actor).HasMaxLength(ModelLimits.Email);
    }
}
