namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// What the counter epoch was derived from: the restore marker's <c>restoreId</c>, and on PostgreSQL the cluster's
/// system identifier, the current timeline and the database's oid (null where unknown or not permitted).
/// </summary>
/// <param name="Epoch">The derived epoch ("" when nothing identifies the database: SQLite never restored).</param>
/// <param name="RestoreId">The restore marker's id, or its raw value when it is not the expected JSON.</param>
/// <param name="SystemIdentifier">PostgreSQL <c>pg_control_system().system_identifier</c>.</param>
/// <param name="Timeline">PostgreSQL's current timeline (a point-in-time recovery promotes to a new one).</param>
/// <param name="DatabaseOid">The oid of the current database (a dropped and re-created database has a new one).</param>
public sealed record CounterEpochSource(string Epoch, string? RestoreId, string? SystemIdentifier, long? Timeline, long? DatabaseOid);
