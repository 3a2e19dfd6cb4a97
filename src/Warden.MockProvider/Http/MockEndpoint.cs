using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Warden.MockProvider.Controls;
using Warden.MockProvider.Stats;

namespace Warden.MockProvider.Http;

/// <summary>
/// The steps every API endpoint shares, in order: parse the body, resolve the controls (options, model directives,
/// headers), wait the latency, hang, fail with the injected status, reject a malformed body, then run the handler.
/// Faults come before body validation so that a configured failure answers every request, as <c>--fail-status</c>
/// promises.
/// </summary>
internal static class MockEndpoint
{
    private const string InvalidJsonOpenAi =
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. " +
        "The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, " +
        "please visit https://platform.openai.com/docs/guides/error-codes/api-errors.)";

    private const string InvalidJsonAnthropic = "There was an error parsing the body of your request: it is not valid JSON.";

    public static RequestDelegate Create(ApiFlavor flavor, bool readsBody, Func<MockExchange, Task> handler) =>
        context => HandleAsync(context, flavor, readsBody, handler);

    private static async Task HandleAsync(HttpContext context, ApiFlavor flavor, bool readsBody, Func<MockExchange, Task> handler)
    {
        var services = context.RequestServices;
        var settings = services.GetRequiredService<MockSettings>();
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = cancellation.Token;

        try
        {
            JsonDocument? document = null;
            var bodyIsValid = true;
            if (readsBody)
            {
                try
                {
                    document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
                }
                catch (JsonException)
                {
                    bodyIsValid = false;
                }
            }

            using (document)
            {
                var body = document?.RootElement ?? default;
                bodyIsValid &= !readsBody || body.ValueKind == JsonValueKind.Object;
                string? rawModel = null;
                if (bodyIsValid && readsBody && body.TryGetProperty("model", out var modelProperty) && modelProperty.ValueKind == JsonValueKind.String)
                {
                    rawModel = modelProperty.GetString();
                }

                if (rawModel is not null)
                {
                    services.GetRequiredService<MockStats>().RecordModel(rawModel);
                }

                if (!RequestControlsParser.TryResolve(settings.Defaults, rawModel, context.Request.Headers, out var controls, out var model, out var error))
                {
                    await MockErrors.WriteInvalidRequestAsync(context, flavor, error!);
                    return;
                }

                if (controls.Latency > TimeSpan.Zero)
                {
                    await Task.Delay(controls.Latency, cancellationToken);
                }

                if (controls.Hang)
                {
                    // Ends only by cancellation: the client giving up or the server stopping.
                    await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                }

                if (controls.Status is { } status)
                {
                    await MockErrors.WriteInjectedAsync(context, flavor, status, model);
                    return;
                }

                if (!bodyIsValid)
                {
                    await MockErrors.WriteInvalidRequestAsync(context, flavor, flavor == ApiFlavor.Anthropic ? InvalidJsonAnthropic : InvalidJsonOpenAi);
                    return;
                }

                context.Response.Headers[flavor == ApiFlavor.Anthropic ? "request-id" : "x-request-id"] = MockIds.Request();
                var time = services.GetRequiredService<TimeProvider>();
                try
                {
                    await handler(new MockExchange(context, flavor, body, model, controls, settings, time, cancellationToken));
                }
                catch (InvalidOperationException) when (!context.Response.HasStarted)
                {
                    // JsonElement.GetString throws this for escaped strings that are not valid Unicode (an unpaired
                    // surrogate); the real APIs answer such bodies with 400.
                    await MockErrors.WriteInvalidRequestAsync(context, flavor, flavor == ApiFlavor.Anthropic ? InvalidJsonAnthropic : InvalidJsonOpenAi);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            // The client went away (nothing to answer; reading or writing may fail with either exception) or the
            // server is stopping: drop the connection rather than leave a hanging or half-written response behind.
            context.Abort();
        }
    }
}
