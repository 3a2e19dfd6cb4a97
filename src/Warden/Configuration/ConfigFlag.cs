using System.CommandLine;

namespace Warden.Configuration;

/// <summary>
/// A command-line flag that sets one configuration key. Flags are the last and strongest configuration layer:
/// appsettings.json &lt; <c>WARDEN__Section__Key</c> environment variables &lt; flags.
/// </summary>
internal sealed class ConfigFlag
{
    public ConfigFlag(string name, string configKey, string description, string? helpName = null)
    {
        ConfigKey = configKey;
        Option = new Option<string?>(name)
        {
            Description = $"{description} [config: {configKey}, env: WARDEN__{configKey.Replace(":", "__", StringComparison.Ordinal)}]",
            HelpName = helpName,
        };
    }

    /// <summary>The configuration key the flag sets, e.g. <c>Gateway:Url</c>.</summary>
    public string ConfigKey { get; }

    /// <summary>The System.CommandLine option.</summary>
    public Option<string?> Option { get; }

    /// <summary>Adds the options of <paramref name="flags"/> to <paramref name="command"/>.</summary>
    public static void AddAll(Command command, IEnumerable<ConfigFlag> flags)
    {
        foreach (var flag in flags)
        {
            command.Options.Add(flag.Option);
        }
    }
}
