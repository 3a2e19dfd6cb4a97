using Microsoft.Extensions.Options;
using Warden.Core.Configuration;

namespace Warden.Gateway;

/// <summary>Validates <see cref="GatewayOptions"/>; messages name the configuration key.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    /// <summary>When true (a standalone <c>warden gateway</c>), the control-plane URL and internal token are required.</summary>
    public bool Standalone { get; init; }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        OptionChecks.HttpUrl(errors, "Gateway:Url", options.Url);
        OptionChecks.Range(errors, "Gateway:MaxRequestBytes", options.MaxRequestBytes, 1024, 1L << 30);
        OptionChecks.HttpUrl(errors, "Gateway:ControlPlaneUrl", options.ControlPlaneUrl, required: Standalone);
        OptionChecks.Secret(errors, "Gateway:InternalToken", options.InternalToken, required: Standalone);
        OptionChecks.Secret(errors, "Gateway:IngestToken", options.IngestToken, required: false);
        OptionChecks.Range(errors, "Gateway:UsageBatchSize", options.UsageBatchSize, 1, 5000);
        OptionChecks.Range(errors, "Gateway:UsageBatchDelayMs", options.UsageBatchDelayMs, 1, 60_000);
        OptionChecks.Range(errors, "Gateway:UsageQueueLimit", options.UsageQueueLimit, 100, 10_000_000);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
