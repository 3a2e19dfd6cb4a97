namespace Warden.Storage.Configurations;

/// <summary>Column lengths shared by the configurations. Generous: validation lives in the admin API.</summary>
internal static class ModelLimits
{
    /// <summary>A DNS label.</summary>
    public const int Slug = 63;

    /// <summary>Display names and labels.</summary>
    public const int Name = 200;

    /// <summary>RFC 5321 maximum address length.</summary>
    public const int Email = 320;

    /// <summary>URLs.</summary>
    public const int Url = 2048;

    /// <summary>Credential references such as <c>env:NAME</c> or <c>file:/path</c>.</summary>
    public const int CredentialReference = 512;

    /// <summary>Model ids and logical model names.</summary>
    public const int Model = 200;

    /// <summary>Public ids and prefixes of keys and tokens.</summary>
    public const int PublicId = 64;

    /// <summary>Short machine identifiers: statuses, kinds, rule ids, request ids.</summary>
    public const int Code = 128;
}
