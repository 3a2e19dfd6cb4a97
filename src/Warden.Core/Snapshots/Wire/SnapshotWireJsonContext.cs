using System.Text.Json.Serialization;

namespace Warden.Core.Snapshots.Wire;

/// <summary>Source-generated JSON for the snapshot channel.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SnapshotUpdateWire))]
[JsonSerializable(typeof(ConfigWire))]
[JsonSerializable(typeof(KeyBaseWire))]
[JsonSerializable(typeof(KeyDeltaWire))]
[JsonSerializable(typeof(ProjectWire))]
[JsonSerializable(typeof(GroupWire))]
public sealed partial class SnapshotWireJsonContext : JsonSerializerContext;
