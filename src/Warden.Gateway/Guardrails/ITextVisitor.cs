namespace Warden.Gateway.Guardrails;

/// <summary>Receives each user-controlled text value <see cref="RequestTextWalker"/> finds.</summary>
internal interface ITextVisitor
{
    /// <summary>
    /// One text value: <paramref name="text"/> is its unescaped UTF-8; <paramref name="tokenStart"/> and
    /// <paramref name="tokenLength"/> locate the JSON string token (quotes included) in the body. Return false to stop.
    /// </summary>
    bool Visit(ReadOnlySpan<byte> text, int tokenStart, int tokenLength);
}
