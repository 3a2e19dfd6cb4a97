using System.Text.Json.Serialization;
using Warden.Storage.Entities;

namespace Warden.Storage.Mapping;

/// <summary>Source-generated serializers for the JSON columns.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, PiiAction>))]
[JsonSerializable(typeof(List<CustomInjectionPattern>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
