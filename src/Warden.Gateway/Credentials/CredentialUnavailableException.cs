namespace Warden.Gateway.Credentials;

/// <summary>A provider credential reference could not be resolved; the message names the reference, never a secret.</summary>
public sealed class CredentialUnavailableException : Exception
{
    public CredentialUnavailableException()
    {
    }

    public CredentialUnavailableException(string message)
        : base(message)
    {
    }

    public CredentialUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
