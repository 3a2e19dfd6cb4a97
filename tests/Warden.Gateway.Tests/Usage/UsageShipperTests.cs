using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.Core.Usage;
using Warden.Gateway.Usage;

namespace Warden.Gateway.Tests.Usage;

/// <summary>
/// The shipper with a hand-written transport that can be switched off: batches go straight through while the control
/// plane answers, into the spool while it does not, and come out of the spool in order once it answers again.
/// </summary>
public sealed class UsageShipperTests : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "warden-shipper-test-" + Guid.NewGuid().ToString("N"));
    private readonly SwitchableTransport _transport = new();
    private readonly UsageSpool _spool;
    private readonly UsageShipper _shipper;

    public UsageShipperTests()
    {
        _spool = UsageSpool.Open(_directory, NullLogger.Instance);
        _shipper = new UsageShipper(_transport, _spool, new GatewayOptions { UsageBatchSize = 50, UsageBatchDelayMs = 20 }, TimeProvider.System, NullLogger<UsageShipper>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _shipper.DisposeAsync();
        _spool.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Publish_ControlPlaneUp_DeliversInBatches()
    {
        await _shipper.StartAsync(CancellationToken.None);

        var sent = PublishMany(230);

        await WaitUntilAsync(() => _transport.Delivered.Count == 230);
        Assert.Equal(sent, _transport.Delivered);
        Assert.All(_transport.BatchSizes, size => Assert.InRange(size, 1, 50));
        Assert.Equal(0, _spool.PendingEvents);
    }

    [Fact]
    public async Task Publish_ControlPlaneDown_SpoolsThenDrainsInOrderWhenItReturns()
    {
        _transport.Up = false;
        await _shipper.StartAsync(CancellationToken.None);

        var first = PublishMany(120);
        await WaitUntilAsync(() => _spool.PendingEvents == 120);
        Assert.Empty(_transport.Delivered);
        Assert.NotEmpty(Directory.GetFiles(_directory, "*.seg"));

        _transport.Up = true;
        var second = PublishMany(80);

        // The transport sees a batch before the shipper acknowledges it in the spool, counts it and deletes the segment: wait for all of it.
        await WaitUntilAsync(() => _transport.Delivered.Count == 200 && _spool.PendingEvents == 0 && _shipper.Metrics.DeliveredTotal == 200
            && Directory.GetFiles(_directory, "*.seg").Length == 0);
        Assert.Equal([.. first, .. second], _transport.Delivered);
        Assert.Equal(0, _spool.PendingEvents);
        Assert.Empty(Directory.GetFiles(_directory, "*.seg"));
        // The later 80 may have gone through the spool too (behind the first 120, to keep the order).
        Assert.InRange(_shipper.Metrics.SpooledTotal, 120, 200);
        Assert.Equal(200, _shipper.Metrics.DeliveredTotal);
    }

    [Fact]
    public async Task Flush_ControlPlaneDown_EverythingQueuedEndsInTheSpool()
    {
        _transport.Up = false;
        await _shipper.StartAsync(CancellationToken.None);
        var sent = PublishMany(75);

        await _shipper.StoppedAsync(CancellationToken.None);

        Assert.Equal(75, _spool.PendingEvents);
        var spooled = new List<Guid>();
        while (_spool.TryPeek(out var record))
        {
            spooled.AddRange(JsonSerializer.Deserialize(record.Payload.Span, UsageJsonContext.Default.UsageBatch)!.Events.Select(e => e.EventId));
            _spool.Acknowledge(record);
        }

        Assert.Equal(sent, spooled);
    }

    [Fact]
    public async Task Flush_ControlPlaneUp_DeliversWhatIsQueued()
    {
        await _shipper.StartAsync(CancellationToken.None);
        var sent = PublishMany(60);

        await _shipper.StoppedAsync(CancellationToken.None);

        Assert.Equal(sent, _transport.Delivered);
    }

    [Fact]
    public async Task Publish_AfterFlush_GoesToTheSpool()
    {
        await _shipper.StartAsync(CancellationToken.None);
        await _shipper.StoppedAsync(CancellationToken.None);

        PublishMany(1);

        Assert.Equal(1, _spool.PendingEvents);
    }

    [Fact]
    public async Task Rejected_Batch_IsSetAsideAndShippingContinues()
    {
        _transport.RejectNext = true;
        await _shipper.StartAsync(CancellationToken.None);
        PublishMany(10);
        await WaitUntilAsync(() => Directory.Exists(Path.Combine(_directory, "rejected")) && Directory.GetFiles(Path.Combine(_directory, "rejected")).Length == 1);

        var later = PublishMany(5);

        await WaitUntilAsync(() => _transport.Delivered.Count == 5);
        Assert.Equal(later, _transport.Delivered);
    }

    private List<Guid> PublishMany(int count)
    {
        var ids = new List<Guid>(count);
        for (var i = 0; i < count; i++)
        {
            var e = new UsageEvent
            {
                EventId = Guid.CreateVersion7(),
                OccurredAt = DateTimeOffset.UtcNow,
                OrganizationId = Guid.NewGuid(),
                ProjectId = Guid.NewGuid(),
                ConsumerId = Guid.NewGuid(),
                GroupIds = [],
                KeyId = Guid.NewGuid(),
                LogicalModel = "chat",
                Status = "ok",
                RequestId = "r" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            ids.Add(e.EventId);
            _shipper.Publish(e);
        }

        return ids;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in 20 s");
            await Task.Delay(10);
        }
    }

    /// <summary>A control plane that is up or down on command; records delivered event ids in arrival order.</summary>
    private sealed class SwitchableTransport : IUsageTransport
    {
        private readonly ConcurrentQueue<Guid> _delivered = new();
        private readonly ConcurrentQueue<int> _sizes = new();

        public bool Up { get; set; } = true;

        public bool RejectNext { get; set; }

        public List<Guid> Delivered => [.. _delivered];

        public List<int> BatchSizes => [.. _sizes];

        public Task<UsageDelivery> SendAsync(ReadOnlyMemory<byte> batchJson, CancellationToken cancellationToken)
        {
            if (RejectNext)
            {
                RejectNext = false;
                return Task.FromResult(UsageDelivery.Rejected);
            }

            if (!Up)
            {
                return Task.FromResult(UsageDelivery.Unavailable);
            }

            var batch = JsonSerializer.Deserialize(batchJson.Span, UsageJsonContext.Default.UsageBatch)!;
            foreach (var e in batch.Events)
            {
                _delivered.Enqueue(e.EventId);
            }

            _sizes.Enqueue(batch.Events.Count);
            return Task.FromResult(UsageDelivery.Delivered);
        }
    }
}
