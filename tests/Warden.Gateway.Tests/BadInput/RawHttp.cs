using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Warden.Gateway.Tests.BadInput;

/// <summary>
/// Sends exact HTTP/1.1 bytes over a socket and parses the answer (status, headers, body with chunked transfer coding
/// decoded). The request must say <c>Connection: close</c>: the response ends where the connection does.
/// </summary>
internal static class RawHttp
{
    public static async Task<CorpusResponse> SendAsync(Uri server, byte[] request, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancellationToken);
        await using var stream = client.GetStream();
        await stream.WriteAsync(request, cancellationToken);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, cancellationToken);
        return Parse(received.ToArray());
    }

    /// <summary>Builds a request with the given header lines (each without CRLF) and body.</summary>
    public static byte[] Build(string method, string path, string host, IEnumerable<string> headers, byte[] body)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    private static CorpusResponse Parse(byte[] response)
    {
        var headEnd = response.AsSpan().IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            throw new InvalidDataException($"No complete response head in {response.Length} bytes: '{Encoding.ASCII.GetString(response)}'");
        }

        var lines = Encoding.ASCII.GetString(response, 0, headEnd).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var body = response.AsSpan(headEnd + 4);
        var decoded = headers.TryGetValue("Transfer-Encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase)
            ? DecodeChunked(body)
            : body.ToArray();
        var mediaType = headers.TryGetValue("Content-Type", out var contentType) ? contentType.Split(';')[0].Trim() : null;
        return new CorpusResponse(status, mediaType, headers.GetValueOrDefault("x-request-id"), decoded);
    }

    private static byte[] DecodeChunked(ReadOnlySpan<byte> body)
    {
        using var output = new MemoryStream();
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n"u8);
            var sizeText = Encoding.ASCII.GetString(body[..lineEnd]).Split(';')[0];
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return output.ToArray();
            }

            output.Write(body.Slice(lineEnd + 2, size));
            body = body[(lineEnd + 2 + size + 2)..];
        }
    }
}
