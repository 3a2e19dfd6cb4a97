namespace Warden.ControlPlane.Hosting;

/// <summary>
/// The control plane reports ready only after its start-up work (pending migrations, first snapshot build) is done.
/// </summary>
public sealed class ControlPlaneReadiness
{
    private volatile bool _ready;

    /// <summary>True once start-up work finished.</summary>
    public bool IsReady => _ready;

    /// <summary>Marks start-up complete.</summary>
    public void MarkReady() => _ready = true;
}
