using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// A new SSO connection: <c>oidc</c> needs <c>issuerUrl</c>, <c>saml</c> needs <c>metadataUrl</c>.
/// <c>clientSecretReference</c> says where the secret lives (<c>env:NAME</c> or <c>file:/path</c>); it is never returned.
/// </summary>
public sealed record CreateSsoConnectionRequest(string Name, SsoConnectionKind Kind, string? IssuerUrl = null, string? MetadataUrl = null,
    string? ClientId = null, string? ClientSecretReference = null, bool Enabled = true);

/// <summary>Changes to an SSO connection; <c>""</c> clears <c>clientId</c> or <c>clientSecretReference</c>.</summary>
public sealed record UpdateSsoConnectionRequest(string? Name = null, SsoConnectionKind? Kind = null, string? IssuerUrl = null, string? MetadataUrl = null,
    string? ClientId = null, string? ClientSecretReference = null, bool? Enabled = null);

/// <summary>An SSO connection as the API shows it: whether a client secret is configured, never where.</summary>
public sealed record SsoConnectionView(Guid Id, string Name, SsoConnectionKind Kind, string? IssuerUrl, string? MetadataUrl, string? ClientId,
    bool HasClientSecret, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static SsoConnectionView From(SsoConnection s) =>
        new(s.Id, s.Name, s.Kind, s.IssuerUrl, s.MetadataUrl, s.ClientId, s.ClientSecretReference is not null, s.Enabled, s.CreatedAt, s.UpdatedAt);
}

/// <summary>
/// <c>/api/orgs/{org}/sso</c>: the organization's identity providers (SPEC ID-5), managed by its org admins and
/// platform admins. Stored only for now; sign-in through them arrives with OIDC login.
/// </summary>
public static class SsoEndpoints
{
    public static RouteGroupBuilder MapSsoEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var sso = api.MapGroup("/orgs/{org}/sso").WithTags("SSO connections");
        sso.MapGet("/", ListAsync).Produces<Page<SsoConnectionView>>();
        sso.MapPost("/", CreateAsync).AcceptsJson<CreateSsoConnectionRequest>().Produces<SsoConnectionView>(StatusCodes.Status201Created);
        sso.MapGet("/{id:guid}", GetAsync).Produces<SsoConnectionView>();
        sso.MapPatch("/{id:guid}", UpdateAsync).AcceptsJson<UpdateSsoConnectionRequest>().Produces<SsoConnectionView>();
        sso.MapDelete("/{id:guid}", DeleteAsync).Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static string Target(string org, string name) => Targets.InOrganization("sso", org, name);

    private static async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "sso.list", null, ct);
        return Results.Ok(await admin.Db.SsoConnections.AsNoTracking().Where(s => s.OrganizationId == organization.Id)
            .OrderBy(s => s.Name).ToPageAsync(request, SsoConnectionView.From, ct));
    }

    private static async Task<IResult> CreateAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "sso.create", Targets.Organization(org), ct);
        var body = await AdminJson.ReadAsync<CreateSsoConnectionRequest>(request, ct);
        var connection = new SsoConnection
        {
            OrganizationId = organization.Id,
            Name = body.Name,
            Kind = body.Kind,
            IssuerUrl = Blank(body.IssuerUrl),
            MetadataUrl = Blank(body.MetadataUrl),
            ClientId = Blank(body.ClientId),
            ClientSecretReference = Blank(body.ClientSecretReference),
            Enabled = body.Enabled,
            CreatedAt = admin.Now,
            UpdatedAt = admin.Now,
        };
        Validate(connection);
        if (await admin.Db.SsoConnections.AnyAsync(s => s.OrganizationId == organization.Id && s.Name == connection.Name, ct))
        {
            throw new AdminConflictException($"SSO connection '{connection.Name}' already exists in organization '{org}'.");
        }

        admin.Db.SsoConnections.Add(connection);
        await admin.CommitAsync("sso.create", org, Target(org, connection.Name), StatusCodes.Status201Created, ct);
        return Results.Created($"/api/orgs/{org}/sso/{connection.Id}", SsoConnectionView.From(connection));
    }

    private static async Task<IResult> GetAsync(AdminContext admin, string org, Guid id, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "sso.read", null, ct);
        return Results.Ok(SsoConnectionView.From(await ConnectionAsync(admin, organization, id, ct)));
    }

    private static async Task<IResult> UpdateAsync(AdminContext admin, HttpRequest request, string org, Guid id, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "sso.update", Target(org, id.ToString()), ct);
        var connection = await ConnectionAsync(admin, organization, id, ct);
        var body = await AdminJson.ReadAsync<UpdateSsoConnectionRequest>(request, ct);
        connection.Name = body.Name ?? connection.Name;
        connection.Kind = body.Kind ?? connection.Kind;
        connection.IssuerUrl = body.IssuerUrl is null ? connection.IssuerUrl : Blank(body.IssuerUrl);
        connection.MetadataUrl = body.MetadataUrl is null ? connection.MetadataUrl : Blank(body.MetadataUrl);
        connection.ClientId = body.ClientId is null ? connection.ClientId : Blank(body.ClientId);
        connection.ClientSecretReference = body.ClientSecretReference is null ? connection.ClientSecretReference : Blank(body.ClientSecretReference);
        connection.Enabled = body.Enabled ?? connection.Enabled;
        connection.UpdatedAt = admin.Now;
        Validate(connection);
        if (await admin.Db.SsoConnections.AnyAsync(s => s.OrganizationId == organization.Id && s.Name == connection.Name && s.Id != connection.Id, ct))
        {
            throw new AdminConflictException($"SSO connection '{connection.Name}' already exists in organization '{org}'.");
        }

        await admin.CommitAsync("sso.update", org, Target(org, connection.Name), StatusCodes.Status200OK, ct);
        return Results.Ok(SsoConnectionView.From(connection));
    }

    private static async Task<IResult> DeleteAsync(AdminContext admin, string org, Guid id, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "sso.delete", Target(org, id.ToString()), ct);
        var connection = await ConnectionAsync(admin, organization, id, ct);
        admin.Db.SsoConnections.Remove(connection);
        await admin.CommitAsync("sso.delete", org, Target(org, connection.Name), StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    /// <summary>The whole connection, after a create or a merge of changes: the protocol decides which URL it needs.</summary>
    private static void Validate(SsoConnection connection)
    {
        var validation = new Validation().Slug("name", connection.Name).MaxLength("clientId", connection.ClientId, 200);
        if (connection.Kind == SsoConnectionKind.Oidc)
        {
            validation.HttpUrl("issuerUrl", connection.IssuerUrl).MaxLength("issuerUrl", connection.IssuerUrl, 2048);
            if (connection.MetadataUrl is not null)
            {
                validation.Add("metadataUrl", "applies to saml connections only.");
            }
        }
        else
        {
            validation.HttpUrl("metadataUrl", connection.MetadataUrl).MaxLength("metadataUrl", connection.MetadataUrl, 2048);
            if (connection.IssuerUrl is not null)
            {
                validation.Add("issuerUrl", "applies to oidc connections only.");
            }
        }

        if (connection.ClientSecretReference is { } reference && !IdentityEndpoints.IsSecretReference(reference))
        {
            validation.Add("clientSecretReference", "must be a reference such as env:NAME or file:/path, never the secret itself.");
        }

        validation.ThrowIfInvalid();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static async Task<SsoConnection> ConnectionAsync(AdminContext admin, Organization organization, Guid id, CancellationToken ct) =>
        await admin.Db.SsoConnections.SingleOrDefaultAsync(s => s.Id == id && s.OrganizationId == organization.Id, ct)
        ?? throw new AdminNotFoundException($"SSO connection {id} does not exist in organization '{organization.Slug}'.");
}
