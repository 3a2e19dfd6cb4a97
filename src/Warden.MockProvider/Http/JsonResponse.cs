using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Warden.MockProvider.Http;

/// <summary>Writes a complete JSON body with a <c>Content-Length</c>, as the real APIs do for non-streaming answers.</summary>
internal static class JsonResponse
{
    public static async Task WriteAsync<TState>(HttpResponse response, int status, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, state);
        }

        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, response.HttpContext.RequestAborted);
    }
}
