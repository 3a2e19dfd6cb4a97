namespace Warden.Core.Budgets;

/// <summary>The facts of a request that budgets and limits need, peeked from its body.</summary>
/// <param name="LogicalModel">The logical model asked for.</param>
/// <param name="PromptTextBytes">UTF-8 bytes of user-controlled prompt text.</param>
/// <param name="MaxTokens"><c>max_completion_tokens</c> / <c>max_tokens</c>, if given.</param>
/// <param name="Choices"><c>n</c>, if given (each choice produces its own output).</param>
public readonly record struct AdmissionInput(string LogicalModel, long PromptTextBytes, int? MaxTokens, int? Choices)
{
    /// <summary>Prompt tokens estimated from the text: about four UTF-8 bytes per token, rounded up.</summary>
    public long EstimatedPromptTokens => (PromptTextBytes + 3) / 4;

    /// <summary>The output allowance: <c>max_tokens</c> (or <paramref name="defaultOutputTokens"/>) times <c>n</c>.</summary>
    public long OutputAllowance(int defaultOutputTokens) => (long)(MaxTokens ?? defaultOutputTokens) * Math.Max(1, Choices ?? 1);
}
