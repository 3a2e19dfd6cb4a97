using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Warden.Configuration;

/// <summary>
/// Binds configuration sections to options objects and runs their validators, collecting every problem (each naming
/// its key) so a bad setting stops the process before anything listens.
/// </summary>
internal sealed class OptionsReader
{
    private readonly IConfiguration _configuration;
    private readonly List<string> _errors = [];

    public OptionsReader(IConfiguration configuration)
    {
        _configuration = configuration;
    }

    /// <summary>Binds <paramref name="section"/> to a new <typeparamref name="T"/> and validates it.</summary>
    public T Read<T>(string section, IValidateOptions<T>? validator = null)
        where T : class, new()
    {
        var options = new T();
        try
        {
            _configuration.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = false);
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key: "Failed to convert configuration value '…' at 'Gateway:MaxRequestBytes' to type 'System.Int64'."
            _errors.Add(ex.Message);
            return options;
        }

        var result = validator?.Validate(Options.DefaultName, options);
        if (result is { Failed: true })
        {
            _errors.AddRange(result.Failures);
        }

        return options;
    }

    /// <summary>Adds an error found by the caller.</summary>
    public void AddError(string error) => _errors.Add(error);

    /// <summary>Throws <see cref="ConfigurationException"/> if any error was collected.</summary>
    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw new ConfigurationException(_errors);
        }
    }
}
