namespace Warden.Providers.Tests.TestSupport;

/// <summary>Reads transcripts from <c>TestData/</c> (copied next to the test assembly).</summary>
internal static class GoldenFiles
{
    public static string PathOf(string relativePath) => Path.Combine(AppContext.BaseDirectory, "TestData", relativePath);

    public static byte[] Bytes(string relativePath) => File.ReadAllBytes(PathOf(relativePath));

    public static bool Exists(string relativePath) => File.Exists(PathOf(relativePath));
}
