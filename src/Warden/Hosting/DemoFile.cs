using System.Text.Json;
using Warden.ControlPlane.Demo;

namespace Warden.Hosting;

/// <summary>
/// Writes <c>demo.json</c> (<c>gatewayUrl</c>, <c>apiKey</c>, <c>model</c>) readable only by the owner, atomically: into
/// a temporary file renamed over the target, so a reader never sees it half written.
/// </summary>
internal static class DemoFile
{
    public static async Task WriteAsync(string path, DemoInfo info, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, options))
        {
            await using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            writer.WriteStartObject();
            writer.WriteString("gatewayUrl", info.GatewayUrl);
            writer.WriteString("apiKey", info.ApiKey);
            writer.WriteString("model", info.Model);
            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
