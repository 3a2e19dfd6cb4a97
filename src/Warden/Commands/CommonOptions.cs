using System.CommandLine;

namespace Warden.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    /// <summary><c>--config FILE</c>: an extra JSON configuration file.</summary>
    public static readonly Option<string?> ConfigFile = new("--config")
    {
        Description = "An extra JSON configuration file (same shape as appsettings.json), applied after appsettings.json and before environment variables.",
        HelpName = "FILE",
        Recursive = true,
    };
}
