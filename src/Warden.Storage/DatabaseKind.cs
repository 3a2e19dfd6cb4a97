namespace Warden.Storage;

/// <summary>Which relational database holds the control-plane state.</summary>
public enum DatabaseKind
{
    /// <summary>An embedded SQLite file (single node, the <c>warden serve</c> default).</summary>
    Sqlite,

    /// <summary>PostgreSQL (production, any number of control-plane replicas).</summary>
    Postgres,
}
