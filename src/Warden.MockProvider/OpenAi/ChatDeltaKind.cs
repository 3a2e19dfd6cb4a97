namespace Warden.MockProvider.OpenAi;

/// <summary>What a <see cref="ChatDelta"/> carries.</summary>
internal enum ChatDeltaKind
{
    /// <summary>The first chunk of a text answer: <c>role</c> and empty <c>content</c>.</summary>
    Role,

    /// <summary>The first chunk of a tool call: <c>role</c>, the call's id and function name, empty arguments.</summary>
    RoleWithTool,

    /// <summary>One token of content.</summary>
    Content,

    /// <summary>A piece of the tool call's arguments.</summary>
    ToolArguments,

    /// <summary>The empty delta with the finish reason (in <see cref="ChatDelta.Text"/>).</summary>
    Finish,
}
