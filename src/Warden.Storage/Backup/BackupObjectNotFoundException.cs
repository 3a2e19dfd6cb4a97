namespace Warden.Storage.Backup;

/// <summary>The named object is not in the backup store.</summary>
public sealed class BackupObjectNotFoundException : Exception
{
    public BackupObjectNotFoundException()
    {
    }

    public BackupObjectNotFoundException(string message)
        : base(message)
    {
    }

    public BackupObjectNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
