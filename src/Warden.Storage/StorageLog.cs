using Microsoft.Extensions.Logging;

namespace Warden.Storage;

/// <summary>Log messages of the storage layer. Event ids 3000–3099 belong to Warden.Storage.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Database schema is up to date at {Migration}")]
    public static partial void SchemaUpToDate(ILogger logger, string? migration);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Applying {Count} migration(s): {Migrations}")]
    public static partial void ApplyingMigrations(ILogger logger, int count, IReadOnlyList<string> migrations);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Applied {Count} migration(s); schema is at {Migration}")]
    public static partial void AppliedMigrations(ILogger logger, int count, string migration);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Another process holds the migration lock; waiting for it to finish")]
    public static partial void WaitingForMigrationLock(ILogger logger);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Removed an orphaned EF Core migration lock left by a migrator that did not finish")]
    public static partial void RemovedOrphanedMigrationLock(ILogger logger);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Database does not exist; creating it")]
    public static partial void CreatingDatabase(ILogger logger);
}
