using Warden.ControlPlane.Reconcile;

namespace Warden.Tests.Reconcile;

public sealed class ReconcileSignalTests
{
    [Fact]
    public async Task ManyRequests_CoalesceIntoOneWakeUp_AndNotifyOtherReplicasEachTime()
    {
        var signal = new ReconcileSignal();
        var broadcast = 0;
        signal.Requested += () => broadcast++;

        for (var i = 0; i < 100; i++)
        {
            signal.RequestReconcile();
        }

        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None));
        Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(50), TimeProvider.System, CancellationToken.None));
        Assert.Equal(100, broadcast);
    }

    [Fact]
    public async Task RequestDuringAWait_WakesItAtOnce_AndWakeDoesNotRebroadcast()
    {
        var signal = new ReconcileSignal();
        var broadcast = 0;
        signal.Requested += () => broadcast++;

        var waiting = signal.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, CancellationToken.None);
        signal.Wake();

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, broadcast);
    }
}
