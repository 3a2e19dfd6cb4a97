using Warden.Core.Snapshots;
using Warden.Providers.OpenAi;

namespace Warden.Gateway.Forwarding;

/// <summary>The <c>mock</c> provider type: Warden's own mock upstream, which speaks the OpenAI API.</summary>
internal sealed class MockAdapter : OpenAiAdapter
{
    public MockAdapter()
        : base(ProviderKind.Mock)
    {
    }
}
