using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Warden.Storage.Mapping;

/// <summary>Change tracking for JSON columns: two values are equal when they serialize identically; snapshots are deep copies.</summary>
internal sealed class JsonValueComparer<T>()
    : ValueComparer<T>(
        (left, right) => StorageJson.Serialize(left) == StorageJson.Serialize(right),
        value => StorageJson.Serialize(value).GetHashCode(StringComparison.Ordinal),
        value => StorageJson.Deserialize<T>(StorageJson.Serialize(value)))
    where T : class;
