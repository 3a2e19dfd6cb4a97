namespace Warden.Configuration;

/// <summary>Process exit codes of the <c>warden</c> commands.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A run-time failure (a server could not start, a database operation failed…).</summary>
    public const int Failure = 1;

    /// <summary>The configuration or the command line is invalid; nothing was started.</summary>
    public const int BadConfiguration = 2;
}
