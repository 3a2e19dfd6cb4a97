using Warden.Providers.Abstractions;

namespace Warden.Gateway.Pipeline;

/// <summary>Endpoint metadata: which API operation an endpoint serves. The gates act only on endpoints that carry it.</summary>
/// <param name="Operation">The OpenAI operation, or null for <c>GET /v1/models</c> (auth only, no body).</param>
public sealed record GatewayOperation(OperationKind? Operation);
