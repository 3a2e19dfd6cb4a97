namespace Warden.ControlPlane.Demo;

/// <summary>What <c>warden serve --demo</c> prints and writes to <c>demo.json</c>.</summary>
/// <param name="GatewayUrl">The gateway's OpenAI base URL (<c>…/v1</c>).</param>
/// <param name="ApiKey">A freshly created demo API key (shown once).</param>
/// <param name="Model">The demo logical model.</param>
public sealed record DemoInfo(string GatewayUrl, string ApiKey, string Model);
