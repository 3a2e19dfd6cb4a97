namespace Warden.Storage.Entities;

/// <summary>
/// A global human identity. The email is unique case-insensitively: setting <see cref="Email"/> also sets
/// <see cref="NormalizedEmail"/>, which carries the unique index.
/// </summary>
public sealed class User
{
    private string _email = "";

    /// <summary>Primary key (UUIDv7).</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Email as the user or IdP spelled it.</summary>
    public required string Email
    {
        get => _email;
        set
        {
            _email = value;
            NormalizedEmail = NormalizeEmail(value);
        }
    }

    /// <summary>Lower-cased, trimmed <see cref="Email"/>; unique. Look users up by this.</summary>
    public string NormalizedEmail { get; private set; } = "";

    /// <summary>Display name.</summary>
    public required string DisplayName { get; set; }

    /// <summary>The identity provider's subject (<c>sub</c>); unique when set.</summary>
    public string? IdpSubject { get; set; }

    /// <summary>When the user was provisioned or invited.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Last successful sign-in.</summary>
    public DateTimeOffset? LastLoginAt { get; set; }

    /// <summary>Organization memberships.</summary>
    public ICollection<Membership> Memberships { get; } = [];

    /// <summary>The normalization used for <see cref="NormalizedEmail"/>: trimmed, invariant lower case.</summary>
    public static string NormalizeEmail(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email.Trim().ToLowerInvariant();
    }
}
