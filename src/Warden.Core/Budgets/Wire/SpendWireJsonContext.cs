using System.Text.Json.Serialization;

namespace Warden.Core.Budgets.Wire;

/// <summary>Source-generated JSON for the spend channel.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SpendWire))]
public sealed partial class SpendWireJsonContext : JsonSerializerContext;
