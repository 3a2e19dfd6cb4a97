using Warden.MockProvider.Text;

namespace Warden.MockProvider.OpenAi;

/// <summary>One streamed delta of one choice.</summary>
internal readonly record struct ChatDelta(ChatDeltaKind Kind, ToolCall? Tool, string Text);
