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

    /// <summary>
    /// The token that authenticates this gateway on the control plane's usage ingest endpoint
    /// (<c>Gateway:IngestToken</c>, its own secret). Without it a standalone gateway cannot ship usage: it logs each
    /// event and warns at start.
    /// </summary>
    public string? IngestToken { get; set; }

    /// <summary>
    /// Folder of the durable usage spool (<c>Gateway:SpoolDir</c>; default <c>DATA-DIR/spool</c>). Events that cannot
    /// be delivered are appended here and re-sent in order. One gateway per folder (a lock file enforces it).
    /// </summary>
    public string? SpoolDir { get; set; }

    /// <summary>Most usage events per batch sent to the control plane (<c>Gateway:UsageBatchSize</c>, default 500).</summary>
    public int UsageBatchSize { get; set; } = 500;

    /// <summary>How long a partial batch waits for more events before it is sent (<c>Gateway:UsageBatchDelayMs</c>, default 200).</summary>
    public int UsageBatchDelayMs { get; set; } = 200;

    /// <summary>
    /// Events queued in memory above which new batches go straight to the spool instead of waiting for a slow control
    /// plane (<c>Gateway:UsageQueueLimit</c>, default 20000).
    /// </summary>
    public int UsageQueueLimit { get; set; } = 20_000;
    /// <summary>The counter store for budgets and limits (<c>Gateway:Counters</c>).</summary>
    public CounterOptions Counters { get; set; } = new();

    /// <summary>Budget enforcement (<c>Gateway:Budgets</c>).</summary>
    public BudgetOptions Budgets { get; set; } = new();

    /// <summary>Limit enforcement (<c>Gateway:Limits</c>).</summary>
    public LimitOptions Limits { get; set; } = new();
}
