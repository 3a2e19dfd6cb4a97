using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class ConsumerConfiguration : IEntityTypeConfiguration<Consumer>
{
    public void Configure(EntityTypeBuilder<Consumer> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Name).HasMaxLength(ModelLimits.Slug);
        builder.HasIndex(c => new { c.ProjectId, c.Name }).IsUnique();
        // One consumer per (user, project); service consumers have a NULL user and NULLs never collide.
        builder.HasIndex(c => new { c.UserId, c.ProjectId }).IsUnique();
        builder.HasOne(c => c.Project).WithMany(p => p.Consumers).HasForeignKey(c => c.ProjectId).OnDelete(DeleteBehavior.Cascade);
        // Deleting a user removes their consumers and so their keys: no orphaned working credentials.
        builder.HasOne(c => c.User).WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
