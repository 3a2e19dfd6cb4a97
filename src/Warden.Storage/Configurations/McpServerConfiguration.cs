using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class McpServerConfiguration : IEntityTypeConfiguration<McpServer>
{
    public void Configure(EntityTypeBuilder<McpServer> builder)
    {
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Name).HasMaxLength(ModelLimits.Slug);
        builder.Property(m => m.BackendUrl).HasMaxLength(ModelLimits.Url);
        builder.Property(m => m.CredentialReference).HasMaxLength(ModelLimits.CredentialReference);
        builder.HasIndex(m => new { m.ProjectId, m.Name }).IsUnique();
        builder.HasOne(m => m.Project).WithMany(p => p.McpServers).HasForeignKey(m => m.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
