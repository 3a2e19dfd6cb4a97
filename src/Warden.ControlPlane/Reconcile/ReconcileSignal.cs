using System.Threading.Channels;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// The write-triggered reconcile signal: a channel of capacity one, so any number of requests while a reconcile runs
/// collapse into exactly one more reconcile. <see cref="Requested"/> lets the PostgreSQL notifier tell the other
/// control-plane replicas too.
/// </summary>
public sealed class ReconcileSignal : IReconcileTrigger
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>Raised by <see cref="RequestReconcile"/> (not by <see cref="Wake"/>), for cross-replica notification.</summary>
    public event Action? Requested;

    /// <inheritdoc />
    public void RequestReconcile()
    {
        _channel.Writer.TryWrite(true);
        Requested?.Invoke();
    }

    /// <summary>Wakes the local reconcile loop only (a notification from another replica).</summary>
    public void Wake() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a request; true when one came, false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return true;
        }

        // The wait is cancelled (not abandoned) on timeout, so an idle loop leaves no waiters behind on the channel.
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await _channel.Reader.WaitToReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return _channel.Reader.TryRead(out _);
    }
}
