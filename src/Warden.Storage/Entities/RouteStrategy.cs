using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Warden.Storage.Entities;

/// <summary>How a <see cref="Route"/> picks among its targets.</summary>
public enum RouteStrategy
{
    /// <summary>Exactly one target.</summary>
    [JsonStringEnumMemberName("single")]
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The SPEC names this strategy single.")]
    Single,

    /// <summary>Targets tried in <see cref="RouteTarget.Order"/> until one succeeds (before the commit point).</summary>
    [JsonStringEnumMemberName("fallback")]
    Fallback,

    /// <summary>Load balanced by <see cref="RouteTarget.Weight"/>.</summary>
    [JsonStringEnumMemberName("weighted")]
    Weighted,
}
