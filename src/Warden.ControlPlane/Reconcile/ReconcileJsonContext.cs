using System.Text.Json.Serialization;

namespace Warden.ControlPlane.Reconcile;

/// <summary>Source-generated JSON for reconcile's own small documents.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ReconcileJsonContext : JsonSerializerContext;
