using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Sdk;

namespace Warden.Providers.Tests.TestSupport;

/// <summary>Semantic JSON comparison: property order and whitespace do not matter, values and types do.</summary>
internal static class JsonAssert
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static void Equal(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string? context = null)
    {
        var expectedNode = JsonNode.Parse(expected);
        JsonNode? actualNode;
        try
        {
            actualNode = JsonNode.Parse(actual);
        }
        catch (JsonException ex)
        {
            throw new XunitException($"{context}: output is not valid JSON ({ex.Message}):\n{Encoding.UTF8.GetString(actual)}");
        }

        if (!JsonNode.DeepEquals(expectedNode, actualNode))
        {
            throw new XunitException($"{context}: JSON differs.\nExpected:\n{Show(expectedNode)}\nActual:\n{Show(actualNode)}");
        }
    }

    public static void Equal(string expected, ReadOnlySpan<byte> actual, string? context = null) =>
        Equal(Encoding.UTF8.GetBytes(expected), actual, context);

    private static string Show(JsonNode? node) => node?.ToJsonString(s_indented) ?? "null";
}
