using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Storage.Entities;

namespace Warden.Storage.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).ValueGeneratedNever();
        builder.Property(u => u.Email).HasMaxLength(ModelLimits.Email);
        builder.Property(u => u.NormalizedEmail).HasMaxLength(ModelLimits.Email);
        builder.Property(u => u.DisplayName).HasMaxLength(ModelLimits.Name);
        builder.Property(u => u.IdpSubject).HasMaxLength(ModelLimits.Name);
        builder.HasIndex(u => u.NormalizedEmail).IsUnique();
        // NULLs are distinct in unique indexes on both PostgreSQL and SQLite: many users may lack a subject.
        builder.HasIndex(u => u.IdpSubject).IsUnique();
    }
}
