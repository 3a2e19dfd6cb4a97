using System.Text;
using Xunit.Sdk;

namespace Warden.Providers.Tests.TestSupport;

/// <summary>Compares SSE streams event by event; JSON payloads are compared semantically.</summary>
internal static class SseAssert
{
    public static void Equal(byte[] expected, byte[] actual, string context)
    {
        var actualText = Encoding.UTF8.GetString(actual);
        if (actual.Length > 0 && !actualText.EndsWith("\n\n", StringComparison.Ordinal))
        {
            throw new XunitException($"{context}: the stream does not end with a complete event:\n{actualText}");
        }

        var expectedEvents = Split(Encoding.UTF8.GetString(expected));
        var actualEvents = Split(actualText);
        for (var i = 0; i < Math.Min(expectedEvents.Count, actualEvents.Count); i++)
        {
            var (expectedName, expectedData) = expectedEvents[i];
            var (actualName, actualData) = actualEvents[i];
            Assert.True(expectedName == actualName, $"{context}: event {i} name '{actualName}', expected '{expectedName}'");
            if (expectedData.StartsWith('{'))
            {
                JsonAssert.Equal(expectedData, Encoding.UTF8.GetBytes(actualData), $"{context}: event {i}");
            }
            else
            {
                Assert.True(expectedData == actualData, $"{context}: event {i} data '{actualData}', expected '{expectedData}'");
            }
        }

        if (expectedEvents.Count != actualEvents.Count)
        {
            throw new XunitException($"{context}: {actualEvents.Count} events, expected {expectedEvents.Count}. Actual stream:\n{actualText}");
        }
    }

    /// <summary>Splits an SSE text into (event name, joined data) per event; comments are ignored.</summary>
    public static List<(string Name, string Data)> Split(string text)
    {
        var events = new List<(string, string)>();
        foreach (var block in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string name = "";
            var data = new List<string>();
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    name = line["event:".Length..].TrimStart(' ');
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    var value = line["data:".Length..];
                    data.Add(value.StartsWith(' ') ? value[1..] : value);
                }
            }

            if (data.Count > 0 || name.Length > 0)
            {
                events.Add((name, string.Join('\n', data)));
            }
        }

        return events;
    }
}
