using Microsoft.Extensions.Options;
using Warden.Core.Configuration;

namespace Warden.ControlPlane;

/// <summary>Validates <see cref="ControlPlaneOptions"/>; messages name the configuration key.</summary>
public sealed class ControlPlaneOptionsValidator : IValidateOptions<ControlPlaneOptions>
{
    /// <summary>When true (a standalone <c>warden control-plane</c>), the internal token is required.</summary>
    public bool Standalone { get; init; }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ControlPlaneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        OptionChecks.HttpUrl(errors, "ControlPlane:Url", options.Url);
        OptionChecks.Secret(errors, "ControlPlane:InternalToken", options.InternalToken, required: Standalone);
        OptionChecks.Secret(errors, "ControlPlane:BootstrapAdminToken", options.BootstrapAdminToken, required: false);
        OptionChecks.Secret(errors, "ControlPlane:IngestToken", options.IngestToken, required: false);
        if (!string.IsNullOrEmpty(options.IngestToken) && string.Equals(options.IngestToken, options.InternalToken, StringComparison.Ordinal))
        {
            errors.Add("ControlPlane:IngestToken must differ from ControlPlane:InternalToken (usage ingest has its own token).");
        }
        if (options.AuditRetentionDays is < 1 or > 36_500)
        {
            errors.Add("ControlPlane:AuditRetentionDays must be between 1 and 36500 days.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
