using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Warden.Hosting;

/// <summary>Console logging for every role: JSON lines for servers in clusters, single lines for people.</summary>
internal static class LoggingSetup
{
    /// <summary>
    /// Applies <c>Logging:Format</c> (<c>json</c> or <c>simple</c>, default <paramref name="defaultFormat"/>) and the
    /// usual <c>Logging:LogLevel</c> section. Framework chatter is kept at Warning (per-request hosting lines off) unless configured otherwise.
    /// </summary>
    public static void Configure(ILoggingBuilder logging, IConfiguration configuration, string defaultFormat)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);

        // ASP.NET Core starts an Activity for every request while this category is enabled at any level, only to
        // write its Information-level "request starting/finished" lines. Off by default (a configured level wins):
        // the gateway logs its own request outcomes, and errors come from other categories.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        logging.AddConfiguration(configuration.GetSection("Logging"));
        var format = configuration["Logging:Format"] ?? defaultFormat;
        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }
    }
}
