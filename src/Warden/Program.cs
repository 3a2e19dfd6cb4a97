using System.CommandLine;
using Warden.Commands;
using Warden.Configuration;

var root = new RootCommand("""
    Warden: a self-hosted AI gateway with governance. One executable; the command chooses the role.

    Configuration layers (later wins): appsettings.json, --config FILE, environment variables
    WARDEN__Section__Key (e.g. WARDEN__Gateway__Url), then command-line flags.

    Quick start:
      warden serve                      # everything on this machine, embedded database
      warden mock-provider --url http://127.0.0.1:9090
    """);
root.Options.Add(CommonOptions.ConfigFile);
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(ControlPlaneCommand.Create());
root.Subcommands.Add(GatewayCommand.Create());
root.Subcommands.Add(MigrateCommand.Create());
root.Subcommands.Add(BackupCommand.Create());
root.Subcommands.Add(AuditCommand.Create());
root.Subcommands.Add(MockProviderCommand.Create());

try
{
    // Signals are handled by the hosts themselves (graceful drain), not by the command-line library.
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (ConfigurationException ex)
{
    Console.Error.WriteLine(ex.Message);
    return ExitCodes.BadConfiguration;
}
catch (InvalidDataException ex) when (ex.Source == "Microsoft.Extensions.Configuration.Json")
{
    Console.Error.WriteLine("Invalid configuration file: " + ex.Message);
    return ExitCodes.BadConfiguration;
}
