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
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
