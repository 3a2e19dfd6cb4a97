using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Warden.MockProvider.Controls;

namespace Warden.MockProvider.Http;

/// <summary>
/// Writes server-sent events one flushed chunk at a time and applies the streaming controls: the delay between
/// chunks and the disconnect after N chunks (the connection is aborted instead of writing chunk N+1, so a stream
/// shorter than N chunks completes normally).
/// </summary>
internal sealed class SseWriter : IDisposable
{
    private static readonly byte[] s_event = "event: "u8.ToArray();
    private static readonly byte[] s_data = "data: "u8.ToArray();
    private static readonly byte[] s_done = "data: [DONE]\n\n"u8.ToArray();

    private static readonly TimeSpan s_abortGracePeriod = TimeSpan.FromMilliseconds(100);

    private readonly HttpContext _context;
    private readonly RequestControls _controls;
    private readonly CancellationToken _cancellationToken;
    private readonly Utf8JsonWriter _json;
    private int _sent;

    public SseWriter(HttpContext context, RequestControls controls, CancellationToken cancellationToken)
    {
        _context = context;
        _controls = controls;
        _cancellationToken = cancellationToken;
        _json = new Utf8JsonWriter(context.Response.BodyWriter);

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>Writes one <c>data:</c> event (with an <c>event:</c> line when named). False once the connection is gone.</summary>
    public async ValueTask<bool> WriteAsync<TState>(string? eventName, TState state, Action<Utf8JsonWriter, TState> write)
    {
        if (!await BeforeChunkAsync())
        {
            return false;
        }

        var body = _context.Response.BodyWriter;
        if (eventName is not null)
        {
            body.Write(s_event);
            Encoding.UTF8.GetBytes(eventName.AsSpan(), body);
            body.Write("\n"u8);
        }

        body.Write(s_data);
        _json.Reset(body);
        write(_json, state);
        _json.Flush();
        body.Write("\n\n"u8);
        return await FlushAsync();
    }

    /// <summary>Writes OpenAI's closing <c>data: [DONE]</c>.</summary>
    public async ValueTask<bool> WriteDoneAsync()
    {
        if (!await BeforeChunkAsync())
        {
            return false;
        }

        _context.Response.BodyWriter.Write(s_done);
        return await FlushAsync();
    }

    public void Dispose() => _json.Dispose();

    private async ValueTask<bool> BeforeChunkAsync()
    {
        if (_sent == _controls.DisconnectAfter)
        {
            // Simulates an upstream that dies mid-answer: no final chunk, no terminating zero-length chunk.
            // Kestrel's abort discards output its transport has not sent yet, so give the chunks already flushed a
            // moment to leave first; otherwise the client may see the reset before the N chunks it was promised.
            await Task.Delay(s_abortGracePeriod, _cancellationToken);
            _context.Abort();
            return false;
        }

        if (_sent > 0 && _controls.ChunkInterval > TimeSpan.Zero)
        {
            await Task.Delay(_controls.ChunkInterval, _cancellationToken);
        }

        return true;
    }

    private async ValueTask<bool> FlushAsync()
    {
        var result = await _context.Response.BodyWriter.FlushAsync(_cancellationToken);
        _sent++;
        return !result.IsCanceled && !result.IsCompleted;
    }
}
