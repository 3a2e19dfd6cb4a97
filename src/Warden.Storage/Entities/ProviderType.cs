using System.Text.Json.Serialization;

namespace Warden.Storage.Entities;

/// <summary>The kind of upstream a <see cref="Provider"/> talks to. Stored with the SPEC §1 spelling.</summary>
public enum ProviderType
{
    /// <summary>Any OpenAI-compatible API (OpenAI, vLLM, Ollama, DeepSeek, …).</summary>
    [JsonStringEnumMemberName("openai")]
    OpenAi,

    /// <summary>Azure OpenAI (deployment URLs, <c>api-version</c>, <c>api-key</c> header).</summary>
    [JsonStringEnumMemberName("azure-openai")]
    AzureOpenAi,

    /// <summary>Anthropic Messages API.</summary>
    [JsonStringEnumMemberName("anthropic")]
    Anthropic,

    /// <summary>Google Gemini.</summary>
    [JsonStringEnumMemberName("gemini")]
    Gemini,

    /// <summary>The built-in deterministic mock provider.</summary>
    [JsonStringEnumMemberName("mock")]
    Mock,
}
