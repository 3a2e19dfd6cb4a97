using Warden.Core.Errors;

namespace Warden.Gateway.Parsing;

/// <summary>Why a request body was rejected: the error, a message for the client, and the offending parameter.</summary>
/// <param name="Error">The error (400 <c>invalid_json</c> or <c>invalid_request</c>).</param>
/// <param name="Message">A precise message naming the problem.</param>
/// <param name="Param">The parameter at fault, if any.</param>
public sealed record PeekError(GatewayError Error, string Message, string? Param);
