namespace Warden.Providers.Abstractions;

/// <summary>
/// What the gateway learned from one pass of <see cref="System.Text.Json.Utf8JsonReader"/> over the client's body:
/// enough to route, reserve budget and translate, without a DOM.
/// </summary>
public sealed class RequestFacts
{
    /// <summary>The <c>model</c> field (the logical model name).</summary>
    public string Model { get; set; } = "";

    /// <summary><c>stream: true</c>.</summary>
    public bool Stream { get; set; }

    /// <summary>The client itself asked for <c>stream_options.include_usage</c>.</summary>
    public bool ClientIncludeUsage { get; set; }

    /// <summary><c>max_completion_tokens</c> or <c>max_tokens</c>, if given.</summary>
    public int? MaxTokens { get; set; }

    /// <summary><c>n</c>, if given.</summary>
    public int? N { get; set; }

    /// <summary>Rough prompt size in UTF-8 bytes of user-controlled text (for estimates when a provider reports no usage).</summary>
    public long PromptTextBytes { get; set; }
}
