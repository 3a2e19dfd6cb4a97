using System.Collections.Frozen;
using Warden.Core.Snapshots;
using Warden.Providers.Abstractions;

namespace Warden.Gateway.Forwarding;

/// <summary>The adapter for each provider kind.</summary>
public sealed class ProviderAdapterRegistry
{
    private readonly FrozenDictionary<ProviderKind, IProviderAdapter> _adapters;

    public ProviderAdapterRegistry(IEnumerable<IProviderAdapter> adapters)
    {
        _adapters = adapters.ToFrozenDictionary(a => a.Kind);
    }

    /// <summary>The adapter for <paramref name="kind"/>, or null when this build has none.</summary>
    public IProviderAdapter? Find(ProviderKind kind) => _adapters.GetValueOrDefault(kind);
}
