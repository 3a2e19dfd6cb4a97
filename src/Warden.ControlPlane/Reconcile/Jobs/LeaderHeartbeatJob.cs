using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Reconcile.Jobs;

/// <summary>
/// Records which replica leads the cluster-wide jobs, and since when it last confirmed, in the platform setting
/// <see cref="SettingKey"/> (JSON <c>{"replica": …, "at": …}</c>), so operators and the gateways view can see the leader.
/// </summary>
public sealed class LeaderHeartbeatJob : IBackgroundJob
{
    /// <summary>The platform-setting key written.</summary>
    public const string SettingKey = "controlplane.leader";

    private readonly IDbContextFactory<WardenDbContext> _contexts;
    private readonly TimeProvider _time;

    public LeaderHeartbeatJob(IDbContextFactory<WardenDbContext> contexts, TimeProvider time)
    {
        _contexts = contexts;
        _time = time;
    }

    /// <summary>This replica's name: host and process id.</summary>
    public static string ReplicaName { get; } = Environment.MachineName + ":" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public string Name => "leader-heartbeat";

    /// <inheritdoc />
    public TimeSpan Interval => TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var value = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["replica"] = ReplicaName,
            ["at"] = now.ToString("O", CultureInfo.InvariantCulture),
        }, ReconcileJsonContext.Default.DictionaryStringString);
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var setting = await db.PlatformSettings.SingleOrDefaultAsync(s => s.Key == SettingKey, cancellationToken);
        if (setting is null)
        {
            db.PlatformSettings.Add(new PlatformSetting { Key = SettingKey, Value = value, UpdatedAt = now });
        }
        else
        {
            setting.Value = value;
            setting.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
