using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedOnAdd();
        builder.Property(a => a.Actor).HasMaxLength(ModelLimits.Email);
        builder.Property(a => a.OrganizationSlug).HasMaxLength(ModelLimits.Slug);
        builder.Property(a => a.Action).HasMaxLength(ModelLimits.Code);
        builder.Property(a => a.Target).HasMaxLength(ModelLimits.Url);
        builder.Property(a => a.RequestId).HasMaxLength(ModelLimits.Code);
        builder.Property(a => a.SourceIp).HasMaxLength(64);
        builder.HasIndex(a => new { a.OrganizationSlug, a.OccurredAt });
        builder.HasIndex(a => a.OccurredAt);
        builder.HasIndex(a => a.Action);
    }
}
