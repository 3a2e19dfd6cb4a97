namespace Warden.ControlPlane.Reconcile;

/// <summary>A configuration revision as the reconcile loop remembers it: id and commit time.</summary>
/// <param name="Id">Revision id.</param>
/// <param name="CreatedAt">When it was created; a different value under the same id means the database was replaced.</param>
public sealed record RevisionMark(long Id, DateTimeOffset CreatedAt);
