using System.Diagnostics.Metrics;

namespace Warden.Gateway.Usage;

/// <summary>
/// Metrics of the usage shipper (meter <c>Warden.Gateway.Usage</c>): events delivered, spooled and refused, and
/// gauges of the spool backlog and the in-memory queue.
/// </summary>
public sealed class UsageShipperMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Warden.Gateway.Usage";

    private readonly Counter<long> _delivered;
    private readonly Counter<long> _spooled;
    private readonly Counter<long> _rejected;
    private long _deliveredTotal;
    private long _spooledTotal;

    /// <summary>Creates the instruments; <paramref name="spoolBacklog"/> and <paramref name="queued"/> are read when observed.</summary>
    public UsageShipperMetrics(IMeterFactory? meterFactory, Func<long> spoolBacklog, Func<long> queued)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _delivered = meter.CreateCounter<long>("warden.usage.events.delivered", "{event}", "Usage events the control plane committed to the ledger (directly or from the spool).");
        _spooled = meter.CreateCounter<long>("warden.usage.events.spooled", "{event}", "Usage events written to the local spool.");
        _rejected = meter.CreateCounter<long>("warden.usage.events.rejected", "{event}", "Usage events the control plane refused as malformed (kept under rejected/).");
        meter.CreateObservableGauge("warden.usage.spool.events", spoolBacklog, "{event}", "Usage events waiting in the spool.");
        meter.CreateObservableGauge("warden.usage.queue.events", queued, "{event}", "Usage events queued in memory.");
    }

    /// <summary>Events delivered so far (for logs and tests).</summary>
    public long DeliveredTotal => Interlocked.Read(ref _deliveredTotal);

    /// <summary>Events spooled so far.</summary>
    public long SpooledTotal => Interlocked.Read(ref _spooledTotal);

    internal void Delivered(int count)
    {
        Interlocked.Add(ref _deliveredTotal, count);
        _delivered.Add(count);
    }

    internal void Spooled(int count)
    {
        Interlocked.Add(ref _spooledTotal, count);
        _spooled.Add(count);
    }

    internal void Rejected(int count) => _rejected.Add(count);
}
