using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.MockProvider.Anthropic;
using Warden.MockProvider.Http;
using Warden.MockProvider.OpenAi;
using Warden.MockProvider.Stats;

namespace Warden.MockProvider;

/// <summary>
/// The mock LLM upstream behind <c>warden mock-provider</c>: OpenAI- and Anthropic-compatible endpoints with
/// deterministic answers and configurable latency, token counts and failures. Test projects run it in-process.
/// </summary>
public static class MockProviderServer
{
    /// <summary>
    /// Builds (does not start) the web application, listening on <see cref="MockProviderOptions.Url"/> with
    /// warnings-only logging. It reads no configuration files or environment variables, so it behaves the same
    /// wherever it runs.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="MockProviderOptions.Validate"/>).</exception>
    public static WebApplication Build(MockProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "Warden.MockProvider" });
        builder.WebHost.UseKestrelCore().UseUrls(options.Url.GetLeftPart(UriPartial.Authority));
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddRoutingCore();
        // Every wait of the mock (latency, hang, chunk interval) ends when the application stops, so this bound is
        // only reached by a client that stops reading.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(MockSettings.From(options));
        builder.Services.AddSingleton<MockStats>();

        var app = builder.Build();
        app.UseMockStats();
        app.MapGet("/healthz", static context => context.Response.WriteAsync("ok"));
        app.MapMockStats();
        app.MapPost("/v1/chat/completions", MockEndpoint.Create(ApiFlavor.OpenAi, readsBody: true, ChatCompletionsEndpoint.HandleAsync));
        app.MapPost("/v1/completions", MockEndpoint.Create(ApiFlavor.OpenAi, readsBody: true, CompletionsEndpoint.HandleAsync));
        app.MapPost("/v1/embeddings", MockEndpoint.Create(ApiFlavor.OpenAi, readsBody: true, EmbeddingsEndpoint.HandleAsync));
        app.MapGet("/v1/models", MockEndpoint.Create(ApiFlavor.OpenAi, readsBody: false, ModelsEndpoint.ListAsync));
        app.MapGet("/v1/models/{id}", MockEndpoint.Create(ApiFlavor.OpenAi, readsBody: false, ModelsEndpoint.GetAsync));
        app.MapPost("/v1/messages", MockEndpoint.Create(ApiFlavor.Anthropic, readsBody: true, MessagesEndpoint.HandleAsync));
        app.MapPost("/v1/messages/count_tokens", MockEndpoint.Create(ApiFlavor.Anthropic, readsBody: true, MessagesEndpoint.CountTokensAsync));
        app.MapFallback(MockErrors.WriteUnknownPathAsync);
        return app;
    }

    /// <summary>Builds and runs the server until <paramref name="cancellationToken"/> is cancelled (or the host is told to stop).</summary>
    public static async Task RunAsync(MockProviderOptions options, CancellationToken cancellationToken)
    {
        await using var app = Build(options);
        await ((IHost)app).RunAsync(cancellationToken);
    }
}
