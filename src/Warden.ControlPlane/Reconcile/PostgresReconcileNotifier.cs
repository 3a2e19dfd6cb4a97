using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Warden.Core.Diagnostics;
using Warden.Storage;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// Carries reconcile requests between control-plane replicas on PostgreSQL: a write on one replica sends
/// <c>NOTIFY warden_reconcile</c>, every replica (this one included) <c>LISTEN</c>s and wakes its reconcile loop, so
/// gateways polling any replica see the change within the same sub-second bound. Best effort: if the notification
/// is lost, the 5-second periodic reconcile still picks the change up. Any other writer of the database may send the
/// same notification after committing.
/// </summary>
internal sealed partial class PostgresReconcileNotifier : BackgroundService
{
    /// <summary>The notification channel name.</summary>
    public const string Channel = "warden_reconcile";

    private readonly StorageOptions _storage;
    private readonly ReconcileSignal _signal;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresReconcileNotifier> _logger;
    private readonly Channel<bool> _outbox = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public PostgresReconcileNotifier(StorageOptions storage, ReconcileSignal signal, TimeProvider time, ILogger<PostgresReconcileNotifier> logger)
    {
        _storage = storage;
        _signal = signal;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_storage.Kind != DatabaseKind.Postgres)
        {
            return;
        }

        _signal.Requested += OnRequested;
        try
        {
            await Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));
        }
        finally
        {
            _signal.Requested -= OnRequested;
        }
    }

    private void OnRequested() => _outbox.Writer.TryWrite(true);

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(_storage.ConnectionString) { Pooling = false, KeepAlive = 30 };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => _signal.Wake();
                await using (var listen = new NpgsqlCommand("LISTEN " + Channel, connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Changes committed while we were not listening: one reconcile catches up.
                _signal.Wake();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
            {
                LogFailed(_logger, ex.GetType().Name);
                await DelayAsync(stoppingToken);
            }
        }
    }

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in _outbox.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await using var connection = new NpgsqlConnection(_storage.ConnectionString);
                    await connection.OpenAsync(stoppingToken);
                    await using var notify = new NpgsqlCommand("SELECT pg_notify('" + Channel + "', '')", connection);
                    await notify.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
                {
                    LogFailed(_logger, ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DelayAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2), _time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = WardenEventIds.ReconcileNotificationFailed, Level = LogLevel.Warning,
        Message = "Cross-replica reconcile notification failed ({Error}); the periodic reconcile still applies changes")]
    private static partial void LogFailed(ILogger logger, string error);
}
