namespace Warden.Core.Diagnostics;

/// <summary>
/// The single registry of log event ids, so an id means one thing across all components and can be alerted on.
/// Ranges: 1xxx host, 2xxx control plane, 3xxx gateway, 4xxx storage, 5xxx mock provider.
/// </summary>
public static class WardenEventIds
{
    public const int HostStarting = 1000;
    public const int HostListening = 1001;
    public const int HostStopping = 1002;
    public const int HostConfigurationInvalid = 1003;

    public const int MigrationsApplied = 2000;
    public const int MigrationsUpToDate = 2001;
    public const int StartupFailed = 2002;
    public const int ControlPlaneReady = 2003;
    public const int ReconcileFailed = 2004;
    public const int ReconcileCompleted = 2005;
    public const int BackgroundJobRan = 2006;
    public const int BackgroundJobFailed = 2007;
    public const int LeadershipAcquired = 2008;
    public const int LeadershipLost = 2009;
    public const int ReconcileNotificationFailed = 2010;

    public const int UsageBatchIngested = 2210;
    public const int UsageBatchRejected = 2211;
    public const int UsageLedgerUnavailable = 2212;
    public const int SpendQueryFailed = 2200;

    public const int AdminDenied = 2100;
    public const int AuditPruned = 2101;

    public const int CounterEpochDerived = 2300;
    public const int CounterEpochChangedOnControlPlane = 2301;
    public const int CounterEpochSourceRestricted = 2302;

    public const int UsageExportCompleted = 2230;
    public const int UsageExportFailed = 2231;

    public const int GatewayNotReady = 3000;
    public const int UsageRecorded = 3001;
    public const int UpstreamAttemptFailed = 3002;
    public const int UpstreamStreamBroken = 3003;
    public const int ClientDisconnectedDraining = 3004;
    public const int CredentialUnavailable = 3005;
    public const int SnapshotApplied = 3006;
    public const int ControlPlaneUnreachable = 3007;
    public const int ControlPlaneReconnected = 3008;
    public const int InternalTokenRejected = 3009;
    public const int SnapshotUpdateRejected = 3010;

    public const int UsageSpooling = 3150;
    public const int UsageSpoolDrained = 3151;
    public const int UsageSpoolTornTail = 3152;
    public const int UsageBatchRefused = 3153;
    public const int UsageIngestTokenRejected = 3154;
    public const int UsageSpoolOpened = 3155;
    public const int UsageShippingDisabled = 3156;
    public const int UsageShipperFlushed = 3157;
    public const int UsageDeliveryFailed = 3158;
    public const int UsageSpoolWriteFailed = 3159;
    public const int CountersUnavailable = 3100;
    public const int CountersSeeded = 3101;
    public const int CountersSeedFailed = 3102;
    public const int CountersSettleFailed = 3103;
    public const int BudgetRefused = 3104;

    public const int CounterEpochChanged = 3200;
    public const int CounterEpochInitial = 3201;
    public const int BackupCreated = 4100;
    public const int BackupFailed = 4101;
    public const int BackupVerified = 4102;
    public const int BackupVerifyFailed = 4103;
    public const int BackupRestored = 4104;
    public const int BackupPruned = 4105;
    public const int BackupBeforeMigrate = 4106;
    public const int BackupBeforeMigrateSkipped = 4107;
    public const int MigrationRefused = 4108;
    // 4150–4199: backups in S3-compatible object storage.
    public const int S3ObjectStored = 4150;
    public const int S3UploadAborted = 4151;
    public const int S3UploadAbortFailed = 4152;
    public const int S3ObjectDeleted = 4153;

    // 4320–4339: guardrails in the gateway.
    public const int GuardrailUnknownPiiKind = 4320;
    public const int GuardrailUnknownCuratedPattern = 4321;
    public const int GuardrailInvalidCustomPattern = 4322;
    public const int GuardrailBlocked = 4323;
    public const int GuardrailPatternTimeout = 4324;
}
