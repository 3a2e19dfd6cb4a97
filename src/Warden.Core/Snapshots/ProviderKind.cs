namespace Warden.Core.Snapshots;

/// <summary>The wire protocol of an upstream provider.</summary>
public enum ProviderKind
{
    /// <summary>Any OpenAI-compatible API (OpenAI, vLLM, Ollama, DeepSeek…).</summary>
    OpenAi,

    /// <summary>Azure OpenAI: deployment URLs, <c>api-version</c>, <c>api-key</c> header.</summary>
    AzureOpenAi,

    /// <summary>Anthropic Messages API.</summary>
    Anthropic,

    /// <summary>Google Gemini (later wave).</summary>
    Gemini,

    /// <summary>Warden's own mock upstream (OpenAI-compatible).</summary>
    Mock,
}
