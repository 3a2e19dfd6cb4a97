namespace Warden.MockProvider.Text;

/// <summary>What the mock answers to one prompt (one choice): text tokens, or a single tool call.</summary>
internal sealed record Answer(string[] Tokens, ToolCall? Tool, bool Truncated)
{
    /// <summary>Completion tokens billed for the answer.</summary>
    public int OutputTokens => Tool is null ? Tokens.Length : MockText.CountTokens(Tool.Name.Length + Tool.Arguments.Length);

    public string Text => string.Concat(Tokens);

    /// <summary>
    /// A text answer of <paramref name="wantedTokens"/> words, cut to <paramref name="maxTokens"/> when the request
    /// allows fewer (then <see cref="Truncated"/> is set: finish reason <c>length</c> / stop reason <c>max_tokens</c>).
    /// </summary>
    public static Answer FromText(ulong seed, int wantedTokens, int? maxTokens)
    {
        var truncated = maxTokens < wantedTokens;
        return new Answer(MockText.Tokens(seed, truncated ? maxTokens!.Value : wantedTokens), null, truncated);
    }

    /// <summary>
    /// The prompt text itself as the answer (the <c>echo</c> control), split before each space so a stream carries it
    /// word by word; lets a test see exactly what reached the upstream.
    /// </summary>
    public static Answer Echo(string text)
    {
        var tokens = new List<string>();
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == ' ')
            {
                tokens.Add(text[start..i]);
                start = i;
            }
        }

        return new Answer([.. tokens], null, Truncated: false);
    }

    public static Answer FromTool(ToolCall tool) => new([], tool, Truncated: false);
}
