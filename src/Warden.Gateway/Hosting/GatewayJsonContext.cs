using System.Text.Json.Serialization;

namespace Warden.Gateway.Hosting;

/// <summary>Source-generated JSON metadata for the gateway's own (non-proxied) responses.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReadyzResponse))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
