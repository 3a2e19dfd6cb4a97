using Warden.MockProvider.Text;

namespace Warden.MockProvider.Anthropic;

/// <summary>Everything one Messages answer is written from, streamed or not.</summary>
internal sealed record MessagesResponse(string Id, string Model, Answer Answer, MessagesUsage Usage)
{
    public string StopReason => Answer.Tool is not null ? "tool_use" : Answer.Truncated ? "max_tokens" : "end_turn";
}
