using Microsoft.Extensions.Options;
using Warden.Core.Configuration;
using Warden.Gateway.Counters;

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
        if (options.Counters.Store == CounterStoreKind.Redis && string.IsNullOrWhiteSpace(options.Counters.Redis))
        {
            errors.Add("Gateway:Counters:Redis is required when Gateway:Counters:Store is redis (a connection string such as 'redis:6379').");
        }
        else if (options.Counters.Store == CounterStoreKind.Redis && !IsRedisConnectionString(options.Counters.Redis!))
        {
            // Never echoed: it may carry a password.
            errors.Add("Gateway:Counters:Redis is not a valid Redis connection string (expected e.g. 'redis:6379,password=…').");
        }

        if (string.IsNullOrEmpty(options.Counters.KeyPrefix) || options.Counters.KeyPrefix.Length > 64)
        {
            errors.Add("Gateway:Counters:KeyPrefix must be 1..64 characters.");
        }

        OptionChecks.Range(errors, "Gateway:Counters:ReservationTtlSeconds", options.Counters.ReservationTtlSeconds, 10, 86_400);
        OptionChecks.Range(errors, "Gateway:Budgets:DefaultOutputTokens", options.Budgets.DefaultOutputTokens, 1, 1_000_000);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsRedisConnectionString(string value)
    {
        try
        {
            return StackExchange.Redis.ConfigurationOptions.Parse(value).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (StackExchange.Redis.RedisException)
        {
            return false;
        }
    }
}
