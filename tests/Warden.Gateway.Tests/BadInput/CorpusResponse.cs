namespace Warden.Gateway.Tests.BadInput;

/// <summary>What the gateway answered to one corpus request, whichever client sent it.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="MediaType">The media type of <c>Content-Type</c>, if any.</param>
/// <param name="RequestId">The <c>x-request-id</c> header, if any.</param>
/// <param name="Body">The response body, decoded from chunked transfer coding.</param>
internal sealed record CorpusResponse(int Status, string? MediaType, string? RequestId, byte[] Body);
