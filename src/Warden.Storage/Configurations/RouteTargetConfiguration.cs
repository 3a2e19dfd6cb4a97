using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class RouteTargetConfiguration : IEntityTypeConfiguration<RouteTarget>
{
    public void Configure(EntityTypeBuilder<RouteTarget> builder)
    {
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.UpstreamModel).HasMaxLength(ModelLimits.Model);
        builder.HasOne(t => t.Route).WithMany(r => r.Targets).HasForeignKey(t => t.RouteId).OnDelete(DeleteBehavior.Cascade);
        // A provider in use cannot be deleted. NO ACTION rather than RESTRICT: both databases check NO ACTION at the
        // end of the statement, so deleting a whole project (which cascades to its routes' targets and its
        // providers in the same statement) succeeds, while deleting just the provider still fails.
        builder.HasOne(t => t.Provider).WithMany().HasForeignKey(t => t.ProviderId).OnDelete(DeleteBehavior.NoAction);
    }
}
