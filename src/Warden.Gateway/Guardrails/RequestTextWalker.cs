using System.Buffers;
using System.Text.Json;
using Warden.Providers.Abstractions;

namespace Warden.Gateway.Guardrails;

/// <summary>
/// Finds the user-controlled text of a request body in one forward pass of <see cref="Utf8JsonReader"/> (no DOM):
/// <list type="bullet">
/// <item>chat completions: inside <c>messages</c>, every string held by a <c>content</c>, <c>text</c> or
/// <c>arguments</c> property at any depth — message content of every role (the client sends the whole history),
/// content parts, tool results, and tool-call arguments — but not image URLs, audio data or other binary payloads;</item>
/// <item>completions: every string of <c>prompt</c>; embeddings: every string of <c>input</c>.</item>
/// </list>
/// The body has already been validated by the request peeker.
/// </summary>
internal static class RequestTextWalker
{
    private static readonly JsonReaderOptions s_options = new() { MaxDepth = Parsing.RequestPeeker.MaxDepth };

    /// <summary>Visits the text values in body order; false when a visitor stopped the walk.</summary>
    public static bool Walk<TVisitor>(ReadOnlySpan<byte> body, OperationKind operation, ref TVisitor visitor)
        where TVisitor : struct, ITextVisitor
    {
        var reader = new Utf8JsonReader(body, s_options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return true;
        }

        byte[]? scratch = null;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var scope = operation switch
                {
                    OperationKind.ChatCompletions when reader.ValueTextEquals("messages"u8) => Scope.Messages,
                    OperationKind.Completions when reader.ValueTextEquals("prompt"u8) => Scope.Everything,
                    OperationKind.Embeddings when reader.ValueTextEquals("input"u8) => Scope.Everything,
                    _ => Scope.None,
                };

                reader.Read();
                if (scope == Scope.None)
                {
                    reader.Skip();
                    continue;
                }

                if (!WalkValue(ref reader, scope, ref visitor, ref scratch))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    // The reader is on the first token of the value; on return it is on the value's last token.
    private static bool WalkValue<TVisitor>(ref Utf8JsonReader reader, Scope scope, ref TVisitor visitor, ref byte[]? scratch)
        where TVisitor : struct, ITextVisitor
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return scope != Scope.Everything || Visit(ref reader, ref visitor, ref scratch);
        }

        if (reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.StartObject))
        {
            return true;
        }

        var baseDepth = reader.CurrentDepth;

        // Bit d: the array at depth d is held by a text property (its string elements are text).
        var textArrays = 0UL;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.EndArray or JsonTokenType.EndObject when reader.CurrentDepth == baseDepth:
                    return true;
                case JsonTokenType.PropertyName:
                    var isText = scope == Scope.Everything || IsTextProperty(ref reader);
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        if (isText && !Visit(ref reader, ref visitor, ref scratch))
                        {
                            return false;
                        }
                    }
                    else if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        textArrays = Set(textArrays, reader.CurrentDepth, isText);
                    }

                    break;
                case JsonTokenType.StartArray:
                    textArrays = Set(textArrays, reader.CurrentDepth, scope == Scope.Everything);
                    break;
                case JsonTokenType.String:
                    // An array element (property values are handled above).
                    var depth = reader.CurrentDepth - 1;
                    if ((scope == Scope.Everything || (depth < 64 && (textArrays & (1UL << depth)) != 0))
                        && !Visit(ref reader, ref visitor, ref scratch))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }

    private static ulong Set(ulong bits, int depth, bool value) =>
        depth >= 64 ? bits : value ? bits | (1UL << depth) : bits & ~(1UL << depth);

    private static bool IsTextProperty(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("arguments"u8);

    private static bool Visit<TVisitor>(ref Utf8JsonReader reader, ref TVisitor visitor, ref byte[]? scratch)
        where TVisitor : struct, ITextVisitor
    {
        var raw = reader.ValueSpan;
        var tokenStart = checked((int)reader.TokenStartIndex);
        var tokenLength = raw.Length + 2;
        if (!reader.ValueIsEscaped)
        {
            return visitor.Visit(raw, tokenStart, tokenLength);
        }

        // Unescaping never makes a string longer.
        if (scratch is null || scratch.Length < raw.Length)
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            scratch = ArrayPool<byte>.Shared.Rent(Math.Max(raw.Length, 1024));
        }

        var written = reader.CopyString(scratch);
        return visitor.Visit(scratch.AsSpan(0, written), tokenStart, tokenLength);
    }

    private enum Scope
    {
        None,
        Messages,
        Everything,
    }
}
