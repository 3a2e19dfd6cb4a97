using System.Text.Json.Serialization;

namespace Warden.Core.Usage;

/// <summary>
/// Source-generated JSON for the usage channel (gateway → control plane and the gateway's spool): compact camelCase,
/// nulls omitted. Missing required members fail deserialization with a message naming them.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UsageBatch))]
[JsonSerializable(typeof(UsageIngestReply))]
[JsonSerializable(typeof(UsageIngestError))]
public sealed partial class UsageJsonContext : JsonSerializerContext;
