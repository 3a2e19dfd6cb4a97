namespace Warden.Gateway.Tests.BadInput;

/// <summary>
/// One malformed request of the corpus and what the gateway must answer. Either <see cref="Request"/> builds it for
/// <see cref="HttpClient"/>, or <see cref="RawRequest"/> builds the exact bytes for a raw socket (for what
/// <see cref="HttpClient"/> refuses to send, such as a header repeated on two lines).
/// </summary>
/// <param name="Name">Shown in the test output.</param>
/// <param name="Status">The exact status expected; null accepts any 4xx.</param>
/// <param name="Code">The exact <c>error.code</c> expected; null accepts any non-empty code.</param>
/// <param name="Param">The <c>error.param</c> expected, when the case pins it.</param>
/// <param name="Request">Builds the request from a valid key (relative URIs resolve against <c>…/v1/</c>).</param>
/// <param name="RawRequest">Builds the raw HTTP/1.1 bytes from a valid key and the Host header value.</param>
internal sealed record MalformedCase(
    string Name,
    int? Status,
    string? Code,
    string? Param = null,
    Func<string, HttpRequestMessage>? Request = null,
    Func<string, string, byte[]>? RawRequest = null)
{
    public override string ToString() => Name;
}
