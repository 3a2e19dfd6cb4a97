using Warden.MockProvider.Text;

namespace Warden.MockProvider.OpenAi;

/// <summary>Everything one chat completion answer is written from, streamed or not.</summary>
internal sealed record ChatResponse(
    string Id,
    long Created,
    string Model,
    Answer[] Answers,
    int PromptTokens,
    int CachedTokens,
    bool IncludeUsage)
{
    public int CompletionTokens => Answers.Sum(a => a.OutputTokens);
}
