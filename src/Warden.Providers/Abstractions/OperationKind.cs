namespace Warden.Providers.Abstractions;

/// <summary>The OpenAI-compatible operation a client asked for.</summary>
public enum OperationKind
{
    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    ChatCompletions,

    /// <summary><c>POST /v1/completions</c> (legacy).</summary>
    Completions,

    /// <summary><c>POST /v1/embeddings</c>.</summary>
    Embeddings,
}
