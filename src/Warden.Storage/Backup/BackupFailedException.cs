namespace Warden.Storage.Backup;

/// <summary>A backup, verify, restore or prune step failed; the message is one line meant for the operator.</summary>
public sealed class BackupFailedException : Exception
{
    public BackupFailedException()
    {
    }

    public BackupFailedException(string message)
        : base(message)
    {
    }

    public BackupFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
