using Warden.Storage.Entities;

namespace Warden.ControlPlane.Audit;

/// <summary>What an audit event says, before it is chained. Never bodies or credentials.</summary>
/// <param name="Actor">E-mail, <c>token:&lt;public id&gt;</c>, <c>bootstrap-token</c> or <c>system</c>.</param>
/// <param name="ActorGroups">Identity-provider groups of the actor.</param>
/// <param name="OrganizationSlug">The organization concerned, if any.</param>
/// <param name="Action">Dotted action, e.g. <c>key.revoke</c>.</param>
/// <param name="Target">What was acted on, e.g. <c>acme/payments/key:abcd…</c>.</param>
/// <param name="Outcome">Allowed or denied.</param>
/// <param name="HttpStatus">The status the API answered.</param>
/// <param name="RequestId">The request id.</param>
/// <param name="SourceIp">The caller's address.</param>
public sealed record AuditRecord(
    string Actor,
    IReadOnlyList<string> ActorGroups,
    string? OrganizationSlug,
    string Action,
    string? Target,
    AuditOutcome Outcome,
    int HttpStatus,
    string? RequestId,
    string? SourceIp);
