using System.CommandLine;
using Microsoft.Extensions.Configuration;

using Warden.Commands;

namespace Warden.Configuration;

/// <summary>Builds the layered configuration every command reads.</summary>
internal static class WardenConfiguration
{
    /// <summary>The prefix of environment variables that configure Warden (<c>WARDEN__Gateway__Url</c>).</summary>
    public const string EnvironmentPrefix = "WARDEN__";

    /// <summary>The environment variable holding the bootstrap admin token.</summary>
    public const string BootstrapAdminTokenVariable = "WARDEN_BOOTSTRAP_ADMIN_TOKEN";

    /// <summary>
    /// appsettings.json beside the executable, then appsettings.json in the working directory, then the file named by
    /// <c>--config</c>, then <c>WARDEN__</c> environment variables, then the command's flags.
    /// </summary>
    public static IConfigurationRoot Build(ParseResult parseResult, IEnumerable<ConfigFlag> flags, IDictionary<string, string?>? defaults = null)
    {
        var builder = new ConfigurationBuilder();
        if (defaults is not null)
        {
            builder.AddInMemoryCollection(defaults);
        }

        builder.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        builder.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true, reloadOnChange: false);

        var configFile = parseResult.GetValue(CommonOptions.ConfigFile);
        if (!string.IsNullOrEmpty(configFile))
        {
            var path = Path.GetFullPath(configFile);
            if (!File.Exists(path))
            {
                throw new ConfigurationException($"--config: the configuration file '{path}' does not exist.");
            }

            builder.AddJsonFile(path, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);

        // The SPEC's name for the automation token; WARDEN__ControlPlane__BootstrapAdminToken works as well.
        var bootstrapToken = Environment.GetEnvironmentVariable(BootstrapAdminTokenVariable);
        if (!string.IsNullOrEmpty(bootstrapToken))
        {
            builder.AddInMemoryCollection([KeyValuePair.Create<string, string?>("ControlPlane:BootstrapAdminToken", bootstrapToken)]);
        }

        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var flag in flags)
        {
            var value = parseResult.GetValue(flag.Option);
            if (value is not null)
            {
                overrides[flag.ConfigKey] = value;
            }
        }

        builder.AddInMemoryCollection(overrides);
        return builder.Build();
    }
}
