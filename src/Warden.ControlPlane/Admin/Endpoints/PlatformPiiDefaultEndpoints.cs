using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.ControlPlane.Reconcile;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>The platform PII default: kind → <c>mask</c> or <c>block</c>; null (or omitted) removes the default.</summary>
public sealed record PlatformPiiDefaultRequest(Dictionary<string, PiiAction>? PiiRules = null);

/// <summary>The platform PII default; <c>piiRules</c> and <c>updatedAt</c> are null while the platform sets none.</summary>
public sealed record PlatformPiiDefaultView(IReadOnlyDictionary<string, PiiAction>? PiiRules, DateTimeOffset? UpdatedAt);

/// <summary>
/// <c>GET/PUT /api/platform/guardrails/pii-default</c> (SPEC G-1 "platform default + per-project override"): any admin
/// reads it, only platform admins change it. A change is a configuration revision, so gateways receive it with the
/// next snapshot; projects with PII rules of their own are unaffected.
/// </summary>
public static class PlatformPiiDefaultEndpoints
{
    private const string Target = "platform:guardrails.pii.default";

    public static RouteGroupBuilder MapPlatformPiiDefaultEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/platform/guardrails/pii-default").WithTags("Guardrails");
        group.MapGet("/", GetAsync).Produces<PlatformPiiDefaultView>();
        group.MapPut("/", PutAsync).AcceptsJson<PlatformPiiDefaultRequest>().Produces<PlatformPiiDefaultView>();
        return api;
    }

    private static async Task<IResult> GetAsync(AdminContext admin, CancellationToken ct)
    {
        GuardrailEndpoints.RequireAnyAdmin(admin, "guardrails.pii_default.read");
        var stored = await PlatformPiiDefault.ReadAsync(admin.Db, ct);
        return Results.Ok(stored is { } s ? new PlatformPiiDefaultView(s.Rules, s.UpdatedAt) : new PlatformPiiDefaultView(null, null));
    }

    private static async Task<IResult> PutAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        const string action = "guardrails.pii_default.update";
        admin.RequirePlatformAdmin(action, null, Target);
        var body = await AdminJson.ReadAsync<PlatformPiiDefaultRequest>(request, ct);
        var validation = new Validation();
        GuardrailEndpoints.ValidatePiiKinds(validation, body.PiiRules);
        validation.ThrowIfInvalid();

        var setting = await admin.Db.PlatformSettings.SingleOrDefaultAsync(s => s.Key == PlatformPiiDefault.SettingKey, ct);
        ConfigOperation operation;
        SortedDictionary<string, PiiAction>? rules = null;
        if (body.PiiRules is null)
        {
            if (setting is null)
            {
                // Nothing to remove: no revision, but the call is still audited.
                await admin.CommitAsync(action, null, Target, StatusCodes.Status200OK, ct);
                return Results.Ok(new PlatformPiiDefaultView(null, null));
            }

            admin.Db.PlatformSettings.Remove(setting);
            operation = ConfigOperation.Deleted;
        }
        else
        {
            rules = new SortedDictionary<string, PiiAction>(body.PiiRules, StringComparer.Ordinal);
            var value = PlatformPiiDefault.Serialize(rules);
            operation = setting is null ? ConfigOperation.Created : ConfigOperation.Updated;
            if (setting is null)
            {
                admin.Db.PlatformSettings.Add(new PlatformSetting { Key = PlatformPiiDefault.SettingKey, Value = value, UpdatedAt = admin.Now });
            }
            else
            {
                setting.Value = value;
                setting.UpdatedAt = admin.Now;
            }
        }

        admin.Changed(ConfigEntityKinds.PlatformSetting, PlatformPiiDefault.EntityId, operation);
        await admin.CommitAsync(action, null, Target, StatusCodes.Status200OK, ct);
        return Results.Ok(rules is null ? new PlatformPiiDefaultView(null, null) : new PlatformPiiDefaultView(rules, admin.Now));
    }
}
