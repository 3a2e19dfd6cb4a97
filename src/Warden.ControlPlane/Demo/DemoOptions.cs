namespace Warden.ControlPlane.Demo;

/// <summary>Set by <c>warden serve --demo</c>: where the built-in mock upstream listens, and where the result goes.</summary>
public sealed class DemoOptions
{
    /// <summary>The mock upstream's OpenAI base URL (<c>…/v1</c>).</summary>
    public required Uri MockProviderApiBase { get; init; }

    /// <summary>The gateway's public base URL, for the printed instructions.</summary>
    public required Uri GatewayUrl { get; init; }

    /// <summary>Completed with the demo facts once the demo is seeded and published.</summary>
    public TaskCompletionSource<DemoInfo> Seeded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
