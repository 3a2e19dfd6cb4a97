namespace Warden.Configuration;

/// <summary>
/// Configuration that cannot be used. Each message names the offending key; the command prints them and exits with
/// <see cref="ExitCodes.BadConfiguration"/> before anything starts.
/// </summary>
internal sealed class ConfigurationException : Exception
{
    public ConfigurationException(IReadOnlyList<string> errors)
        : base("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
    {
        Errors = errors;
    }

    public ConfigurationException()
        : this([])
    {
    }

    public ConfigurationException(string message)
        : this([message])
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>One message per problem, each naming its key.</summary>
    public IReadOnlyList<string> Errors { get; } = [];
}
