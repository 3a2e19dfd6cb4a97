namespace Warden.ControlPlane;

/// <summary>Settings of the control plane (configuration section <c>ControlPlane</c>).</summary>
public sealed class ControlPlaneOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "ControlPlane";

    /// <summary>The URL the control plane listens on (console, admin API <c>/api</c>, internal <c>/internal</c>).</summary>
    public string Url { get; set; } = "http://127.0.0.1:8081";

    /// <summary>The token gateways present on the internal endpoints (snapshots, usage ingest).</summary>
    public string? InternalToken { get; set; }

    /// <summary>
    /// The token gateways present on <c>POST /internal/usage</c> (<c>ControlPlane:IngestToken</c>, at least 32
    /// characters, different from <see cref="InternalToken"/>). Without it the ingest endpoint refuses every call.
    /// </summary>
    public string? IngestToken { get; set; }

    /// <summary>
    /// The bootstrap admin token (platform admin, for automation). Read from <c>WARDEN_BOOTSTRAP_ADMIN_TOKEN</c> or
    /// <c>ControlPlane:BootstrapAdminToken</c>; when unset, this way in is off.
    /// </summary>
    public string? BootstrapAdminToken { get; set; }

    /// <summary>Days audit events are kept (<c>ControlPlane:AuditRetentionDays</c>, the SPEC's <c>audit.retentionDays</c>); pruned daily.</summary>
    public int AuditRetentionDays { get; set; } = 365;

    /// <summary>
    /// Create a local break-glass platform admin at start when none exists, and print its access token once
    /// (<c>ControlPlane:LocalAdmin</c>). <c>warden serve</c> turns it on unless configured false; switch it off once an
    /// identity provider is in place.
    /// </summary>
    public bool LocalAdmin { get; set; }
}
