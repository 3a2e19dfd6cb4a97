namespace Warden.MockProvider.Text;

/// <summary>A tool call the mock decided to make: the function name and its JSON arguments.</summary>
internal sealed record ToolCall(string Id, string Name, string Arguments)
{
    /// <summary>The arguments cut into the pieces a stream sends them in (as the real APIs do, a few characters each).</summary>
    public IEnumerable<string> ArgumentPieces(int size = 8)
    {
        for (var i = 0; i < Arguments.Length; i += size)
        {
            yield return Arguments.Substring(i, Math.Min(size, Arguments.Length - i));
        }
    }
}
