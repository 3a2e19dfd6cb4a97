using System.Globalization;
using Warden.Core.Snapshots;
using Warden.Providers.Abstractions;
using Warden.Providers.OpenAi;

namespace Warden.Providers.AzureOpenAi;

/// <summary>
/// Azure OpenAI: the route target's upstream model is the <em>deployment</em> name, the URL is
/// <c>{base}/openai/deployments/{deployment}/{operation}?api-version={version}</c>, and the key goes in the
/// <c>api-key</c> header. Bodies and streams are OpenAI format.
/// </summary>
public sealed class AzureOpenAiAdapter : OpenAiAdapter
{
    /// <summary>Settings key of the API version.</summary>
    public const string ApiVersionSetting = "api-version";

    /// <summary>API version used when the provider does not set one.</summary>
    public const string DefaultApiVersion = "2024-10-21";

    public AzureOpenAiAdapter()
        : base(ProviderKind.AzureOpenAi)
    {
    }

    /// <inheritdoc />
    protected override Uri BuildUri(UpstreamCall upstreamCall)
    {
        ArgumentNullException.ThrowIfNull(upstreamCall);
        var provider = upstreamCall.Target.Provider;
        var version = provider.Settings.TryGetValue(ApiVersionSetting, out var v) && !string.IsNullOrWhiteSpace(v) ? v : DefaultApiVersion;
        var path = string.Create(CultureInfo.InvariantCulture,
            $"openai/deployments/{Uri.EscapeDataString(upstreamCall.Target.UpstreamModel)}/{OperationPath(upstreamCall.Operation)}?api-version={Uri.EscapeDataString(version)}");
        return Combine(provider.BaseUrl, path);
    }

    /// <inheritdoc />
    protected override void AddCredential(HttpRequestMessage request, string? credential)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrEmpty(credential))
        {
            request.Headers.TryAddWithoutValidation("api-key", credential);
        }
    }
}
