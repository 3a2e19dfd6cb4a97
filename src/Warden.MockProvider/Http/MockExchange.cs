using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Warden.MockProvider.Controls;

namespace Warden.MockProvider.Http;

/// <summary>One API request after the common steps: body parsed, controls resolved, latency and faults applied.</summary>
internal sealed class MockExchange(
    HttpContext context,
    ApiFlavor flavor,
    JsonElement body,
    string model,
    RequestControls controls,
    MockSettings settings,
    TimeProvider time,
    CancellationToken cancellationToken)
{
    public HttpContext Context { get; } = context;

    public ApiFlavor Flavor { get; } = flavor;

    /// <summary>The request body (a JSON object) for POST endpoints; <c>default</c> for GET endpoints.</summary>
    public JsonElement Body { get; } = body;

    /// <summary>The requested model without directives; empty when the request names none.</summary>
    public string Model { get; } = model;

    public RequestControls Controls { get; } = controls;

    public MockSettings Settings { get; } = settings;

    /// <summary>Cancelled when the client goes away or the server stops.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Unix seconds for <c>created</c> fields.</summary>
    public long Created => time.GetUtcNow().ToUnixTimeSeconds();

    public Task InvalidAsync(string message, string? param = null, string? code = null) =>
        MockErrors.WriteInvalidRequestAsync(Context, Flavor, message, param, code);

    public Task WriteJsonAsync<TState>(TState state, Action<Utf8JsonWriter, TState> write) =>
        JsonResponse.WriteAsync(Context.Response, StatusCodes.Status200OK, state, write);

    public SseWriter OpenStream() => new(Context, Controls, CancellationToken);
}
