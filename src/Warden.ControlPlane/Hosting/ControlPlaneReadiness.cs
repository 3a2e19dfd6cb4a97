namespace Warden.ControlPlane.Hosting;

/// <summary>
/// The control plane reports ready only after its start-up work (pending migrations, first snapshot build) is done.
/// </summary>
public sealed class ControlPlaneReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once start-up work finished.</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Completes when start-up work finished.</summary>
    public Task WhenReady => _ready.Task;

    /// <summary>Marks start-up complete.</summary>
    public void MarkReady() => _ready.TrySetResult();
}
