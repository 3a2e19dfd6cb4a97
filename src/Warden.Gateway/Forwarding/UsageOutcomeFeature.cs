using Warden.Core.Snapshots;
using Warden.Core.Usage;
using Warden.Gateway.Pipeline;

namespace Warden.Gateway.Forwarding;

/// <inheritdoc />
internal sealed class UsageOutcomeFeature : IUsageOutcomeFeature
{
    public TokenUsage? Usage { get; set; }

    public RouteTargetEntry? Target { get; set; }
}
