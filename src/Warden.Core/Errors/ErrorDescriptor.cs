namespace Warden.Core.Errors;

/// <summary>The HTTP status and OpenAI-style <c>type</c>/<c>code</c> of a <see cref="GatewayError"/>.</summary>
/// <param name="Status">HTTP status code.</param>
/// <param name="Type">OpenAI error <c>type</c> (e.g. <c>invalid_request_error</c>).</param>
/// <param name="Code">Stable machine-readable <c>code</c> (e.g. <c>invalid_api_key</c>).</param>
/// <param name="DefaultMessage">Message used when the caller supplies none.</param>
public sealed record ErrorDescriptor(int Status, string Type, string Code, string DefaultMessage);
