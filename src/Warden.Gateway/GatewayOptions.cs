using Warden.Gateway.Counters;

namespace Warden.Gateway;

/// <summary>Settings of the data plane (configuration section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Gateway";

    /// <summary>Default request body limit: 10 MiB.</summary>
    public const long DefaultMaxRequestBytes = 10 * 1024 * 1024;

    /// <summary>The URL the gateway listens on (OpenAI API, MCP, probes).</summary>
    public string Url { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Largest accepted request body; larger bodies get 413 <c>payload_too_large</c>.</summary>
    public long MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;

    /// <summary>The control plane's URL (separate <c>warden gateway</c> processes only).</summary>
    public string? ControlPlaneUrl { get; set; }

    /// <summary>The token that authenticates this gateway to the control plane's internal endpoints.</summary>
    public string? InternalToken { get; set; }

    /// <summary>The counter store for budgets and limits (<c>Gateway:Counters</c>).</summary>
    public CounterOptions Counters { get; set; } = new();

    /// <summary>Budget enforcement (<c>Gateway:Budgets</c>).</summary>
    public BudgetOptions Budgets { get; set; } = new();

    /// <summary>Limit enforcement (<c>Gateway:Limits</c>).</summary>
    public LimitOptions Limits { get; set; } = new();
}
