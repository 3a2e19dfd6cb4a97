using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// A new provider. <c>credentialReference</c> (<c>env:NAME</c> or <c>file:/path</c>) is write-only: responses only say
/// whether one is set.
/// </summary>
public sealed record CreateProviderRequest(
    string Name,
    ProviderType Type,
    string BaseUrl,
    Dictionary<string, string>? Settings = null,
    Dictionary<string, string>? Headers = null,
    string? CredentialReference = null);

/// <summary>
/// Changes to a provider (the name is immutable). Omitted fields keep their value; <c>settings</c> and <c>headers</c>
/// replace the whole map when given; <c>credentialReference: ""</c> removes the credential.
/// </summary>
public sealed record UpdateProviderRequest(
    ProviderType? Type = null,
    string? BaseUrl = null,
    Dictionary<string, string>? Settings = null,
    Dictionary<string, string>? Headers = null,
    string? CredentialReference = null);

/// <summary>A provider not saved yet, for a connection test before saving.</summary>
public sealed record TestProviderRequest(
    ProviderType Type,
    string BaseUrl,
    Dictionary<string, string>? Settings = null,
    Dictionary<string, string>? Headers = null,
    string? CredentialReference = null,
    string? Name = null);

/// <summary>A provider as the API shows it: never the credential reference, only whether there is one.</summary>
public sealed record ProviderView(
    Guid Id,
    string Name,
    ProviderType Type,
    string BaseUrl,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyDictionary<string, string> Headers,
    bool HasCredential,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ProviderView From(Provider p) =>
        new(p.Id, p.Name, p.Type, p.BaseUrl, p.Settings, p.Headers, !string.IsNullOrEmpty(p.CredentialReference), p.CreatedAt, p.UpdatedAt);
}

/// <summary>
/// <c>/api/orgs/{org}/projects/{project}/providers</c>: CRUD, and "test connection" for a saved or an unsaved provider.
/// </summary>
public static class ProviderEndpoints
{
    public static RouteGroupBuilder MapProviderEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var providers = api.MapGroup("/orgs/{org}/projects/{project}/providers").WithTags("Providers");
        providers.MapGet("/", ListAsync).Produces<Page<ProviderView>>();
        providers.MapPost("/", CreateAsync).AcceptsJson<CreateProviderRequest>().Produces<ProviderView>(StatusCodes.Status201Created);
        providers.MapPost("/test", TestUnsavedAsync).AcceptsJson<TestProviderRequest>().Produces<ProviderTestResult>();
        providers.MapGet("/{name}", GetAsync).Produces<ProviderView>();
        providers.MapPatch("/{name}", UpdateAsync).AcceptsJson<UpdateProviderRequest>().Produces<ProviderView>();
        providers.MapDelete("/{name}", DeleteAsync).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status409Conflict);
        providers.MapPost("/{name}/test", TestSavedAsync).Produces<ProviderTestResult>();
        return api;
    }

    private static string Target(string org, string project, string name) => Targets.InProject("provider", org, project, name);

    private static async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "provider.list", null, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        return Results.Ok(await admin.Db.Providers.AsNoTracking().Where(p => p.ProjectId == entity.Id)
            .OrderBy(p => p.Name).ToPageAsync(request, ProviderView.From, ct));
    }

    private static async Task<IResult> CreateAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "provider.create", Targets.Project(org, project), ct);
        var body = await AdminJson.ReadAsync<CreateProviderRequest>(request, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var validation = new Validation().Slug("name", body.Name);
        var settings = ProviderSettings.Validate(validation, body.Type, body.BaseUrl, body.Settings, body.Headers, body.CredentialReference);
        validation.ThrowIfInvalid();
        if (await admin.Db.Providers.AnyAsync(p => p.ProjectId == entity.Id && p.Name == body.Name, ct))
        {
            throw new AdminConflictException($"Provider '{body.Name}' already exists in project '{project}'.");
        }

        var provider = new Provider
        {
            ProjectId = entity.Id,
            Name = body.Name,
            Type = body.Type,
            BaseUrl = body.BaseUrl.Trim(),
            Settings = settings,
            Headers = body.Headers ?? [],
            CredentialReference = body.CredentialReference,
            CreatedAt = admin.Now,
            UpdatedAt = admin.Now,
        };
        admin.Db.Providers.Add(provider);
        admin.Changed(ConfigEntityKinds.Provider, provider.Id, ConfigOperation.Created);
        await admin.CommitAsync("provider.create", org, Target(org, project, provider.Name), StatusCodes.Status201Created, ct);
        return Results.Created($"/api/orgs/{org}/projects/{project}/providers/{provider.Name}", ProviderView.From(provider));
    }

    private static async Task<IResult> GetAsync(AdminContext admin, string org, string project, string name, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "provider.read", Target(org, project, name), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        return Results.Ok(ProviderView.From(await FindAsync(admin, entity, name, tracked: false, ct)));
    }

    private static async Task<IResult> UpdateAsync(AdminContext admin, HttpRequest request, string org, string project, string name, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "provider.update", Target(org, project, name), ct);
        var body = await AdminJson.ReadAsync<UpdateProviderRequest>(request, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var provider = await FindAsync(admin, entity, name, tracked: true, ct);

        // Validate the provider as it will be, so a type change is checked against the settings it keeps.
        var type = body.Type ?? provider.Type;
        var baseUrl = body.BaseUrl ?? provider.BaseUrl;
        var headers = body.Headers ?? provider.Headers;
        var credential = body.CredentialReference is null ? provider.CredentialReference
            : body.CredentialReference.Length == 0 ? null
            : body.CredentialReference;
        var validation = new Validation();
        var settings = ProviderSettings.Validate(validation, type, baseUrl, body.Settings ?? provider.Settings, headers, credential);
        validation.ThrowIfInvalid();

        provider.Type = type;
        provider.BaseUrl = baseUrl.Trim();
        provider.Settings = settings;
        provider.Headers = new Dictionary<string, string>(headers, StringComparer.Ordinal);
        provider.CredentialReference = credential;
        provider.UpdatedAt = admin.Now;
        admin.Changed(ConfigEntityKinds.Provider, provider.Id, ConfigOperation.Updated);
        await admin.CommitAsync("provider.update", org, Target(org, project, name), StatusCodes.Status200OK, ct);
        return Results.Ok(ProviderView.From(provider));
    }

    private static async Task<IResult> DeleteAsync(AdminContext admin, string org, string project, string name, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "provider.delete", Target(org, project, name), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var provider = await FindAsync(admin, entity, name, tracked: true, ct);
        var routes = await admin.Db.RouteTargets.AsNoTracking().Where(t => t.ProviderId == provider.Id)
            .Select(t => t.Route.LogicalModel).Distinct().OrderBy(m => m).ToListAsync(ct);
        if (routes.Count > 0)
        {
            throw new AdminConflictException(
                $"Provider '{name}' is used by route(s) {string.Join(", ", routes.Select(r => $"'{r}'"))}; re-point or delete them first.");
        }

        admin.Db.Providers.Remove(provider);
        admin.Changed(ConfigEntityKinds.Provider, provider.Id, ConfigOperation.Deleted);
        await admin.CommitAsync("provider.delete", org, Target(org, project, name), StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    private static async Task<IResult> TestSavedAsync(AdminContext admin, TimeProvider time, string org, string project, string name, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "provider.test", Target(org, project, name), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var provider = await FindAsync(admin, entity, name, tracked: false, ct);
        var result = await ProviderConnectionTest.RunAsync(provider.Type, provider.BaseUrl, provider.Settings, provider.Headers, provider.CredentialReference, time, ct);
        await admin.CommitAsync("provider.test", org, Target(org, project, name), StatusCodes.Status200OK, ct);
        return Results.Ok(result);
    }

    private static async Task<IResult> TestUnsavedAsync(AdminContext admin, TimeProvider time, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "provider.test", Targets.Project(org, project), ct);
        var body = await AdminJson.ReadAsync<TestProviderRequest>(request, ct);
        var target = Target(org, project, body.Name ?? "(unsaved)");
        await admin.ProjectAsync(organization, project, ct);
        var validation = new Validation();
        if (body.Name is not null)
        {
            validation.Slug("name", body.Name);
        }

        var settings = ProviderSettings.Validate(validation, body.Type, body.BaseUrl, body.Settings, body.Headers, body.CredentialReference);
        validation.ThrowIfInvalid();
        var result = await ProviderConnectionTest.RunAsync(body.Type, body.BaseUrl.Trim(), settings, body.Headers ?? [], body.CredentialReference, time, ct);
        await admin.CommitAsync("provider.test", org, target, StatusCodes.Status200OK, ct);
        return Results.Ok(result);
    }

    private static async Task<Provider> FindAsync(AdminContext admin, Project project, string name, bool tracked, CancellationToken ct)
    {
        var query = tracked ? admin.Db.Providers : admin.Db.Providers.AsNoTracking();
        return await query.SingleOrDefaultAsync(p => p.ProjectId == project.Id && p.Name == name, ct)
            ?? throw new AdminNotFoundException($"Provider '{name}' does not exist in project '{project.Slug}'.");
    }
}
