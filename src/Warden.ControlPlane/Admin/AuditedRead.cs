namespace Warden.ControlPlane.Admin;

/// <summary>
/// Endpoint metadata: a read worth auditing like a mutation (e.g. an export of financial data). The handler audits
/// the allowed call itself; <see cref="AdminEndpointFilter"/> then also audits a denied one, which it does not for
/// other reads.
/// </summary>
public sealed class AuditedRead
{
    /// <summary>The shared instance.</summary>
    public static AuditedRead Instance { get; } = new();
}
