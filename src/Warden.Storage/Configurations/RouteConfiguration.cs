using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class RouteConfiguration : IEntityTypeConfiguration<Route>
{
    public void Configure(EntityTypeBuilder<Route> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.LogicalModel).HasMaxLength(ModelLimits.Model);
        builder.HasIndex(r => new { r.ProjectId, r.LogicalModel }).IsUnique();
        builder.HasOne(r => r.Project).WithMany(p => p.Routes).HasForeignKey(r => r.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
