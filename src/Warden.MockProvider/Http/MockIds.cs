using System.Security.Cryptography;

namespace Warden.MockProvider.Http;

/// <summary>Random ids in the formats the real APIs use; the only parts of a response that differ between runs.</summary>
internal static class MockIds
{
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string ChatCompletion() => "chatcmpl-" + Random(29);

    public static string Completion() => "cmpl-" + Random(29);

    public static string ToolCall() => "call_" + Random(24);

    public static string Message() => "msg_01" + Random(22);

    public static string ToolUse() => "toolu_01" + Random(22);

    public static string Request() => "req_" + Random(24);

    private static string Random(int length) => RandomNumberGenerator.GetString(Alphanumeric, length);
}
