using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>A new MCP server, proxied at <c>/mcp/{org}.{project}/{name}</c>. The credential reference is write-only.</summary>
public sealed record CreateMcpServerRequest(string Name, string BackendUrl, int TimeoutMs = McpServerEndpoints.DefaultTimeoutMs, string? CredentialReference = null, bool Enabled = true);

/// <summary>Changes to an MCP server (the name is immutable); <c>credentialReference: ""</c> removes the credential.</summary>
public sealed record UpdateMcpServerRequest(string? BackendUrl = null, int? TimeoutMs = null, string? CredentialReference = null, bool? Enabled = null);

/// <summary>An MCP server as the API shows it: never the credential reference, only whether there is one.</summary>
public sealed record McpServerView(Guid Id, string Name, string BackendUrl, int TimeoutMs, bool HasCredential, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static McpServerView From(McpServer m) =>
        new(m.Id, m.Name, m.BackendUrl, m.TimeoutMs, !string.IsNullOrEmpty(m.CredentialReference), m.Enabled, m.CreatedAt, m.UpdatedAt);
}

/// <summary><c>/api/orgs/{org}/projects/{project}/mcp-servers</c>.</summary>
public static class McpServerEndpoints
{
    /// <summary>Timeout when none is given: 30 seconds.</summary>
    public const int DefaultTimeoutMs = 30_000;

    public static RouteGroupBuilder MapMcpServerEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var servers = api.MapGroup("/orgs/{org}/projects/{project}/mcp-servers").WithTags("MCP servers");
        servers.MapGet("/", ListAsync).Produces<Page<McpServerView>>();
        servers.MapPost("/", CreateAsync).AcceptsJson<CreateMcpServerRequest>().Produces<McpServerView>(StatusCodes.Status201Created);
        servers.MapGet("/{name}", GetAsync).Produces<McpServerView>();
        servers.MapPatch("/{name}", UpdateAsync).AcceptsJson<UpdateMcpServerRequest>().Produces<McpServerView>();
        servers.MapDelete("/{name}", DeleteAsync).Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static string Target(string org, string project, string name) => Targets.InProject("mcp-server", org, project, name);

    private static async Task<IResult> ListAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "mcp-server.list", null, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        return Results.Ok(await admin.Db.McpServers.AsNoTracking().Where(m => m.ProjectId == entity.Id)
            .OrderBy(m => m.Name).ToPageAsync(request, McpServerView.From, ct));
    }

    private static async Task<IResult> CreateAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "mcp-server.create", Targets.Project(org, project), ct);
        var body = await AdminJson.ReadAsync<CreateMcpServerRequest>(request, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        Validate(new Validation().Slug("name", body.Name), body.BackendUrl, body.TimeoutMs, body.CredentialReference);
        if (await admin.Db.McpServers.AnyAsync(m => m.ProjectId == entity.Id && m.Name == body.Name, ct))
        {
            throw new AdminConflictException($"MCP server '{body.Name}' already exists in project '{project}'.");
        }

        var server = new McpServer
        {
            ProjectId = entity.Id,
            Name = body.Name,
            BackendUrl = body.BackendUrl.Trim(),
            TimeoutMs = body.TimeoutMs,
            CredentialReference = body.CredentialReference,
            Enabled = body.Enabled,
            CreatedAt = admin.Now,
            UpdatedAt = admin.Now,
        };
        admin.Db.McpServers.Add(server);
        admin.Changed(ConfigEntityKinds.McpServer, server.Id, ConfigOperation.Created);
        await admin.CommitAsync("mcp-server.create", org, Target(org, project, server.Name), StatusCodes.Status201Created, ct);
        return Results.Created($"/api/orgs/{org}/projects/{project}/mcp-servers/{server.Name}", McpServerView.From(server));
    }

    private static async Task<IResult> GetAsync(AdminContext admin, string org, string project, string name, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "mcp-server.read", Target(org, project, name), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        return Results.Ok(McpServerView.From(await FindAsync(admin, entity, name, ct)));
    }

    private static async Task<IResult> UpdateAsync(AdminContext admin, HttpRequest request, string org, string project, string name, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "mcp-server.update", Target(org, project, name), ct);
        var body = await AdminJson.ReadAsync<UpdateMcpServerRequest>(request, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var server = await FindAsync(admin, entity, name, ct);
        var backendUrl = body.BackendUrl ?? server.BackendUrl;
        var timeoutMs = body.TimeoutMs ?? server.TimeoutMs;
        var credential = body.CredentialReference is null ? server.CredentialReference
            : body.CredentialReference.Length == 0 ? null
            : body.CredentialReference;
        Validate(new Validation(), backendUrl, timeoutMs, credential);

        server.BackendUrl = backendUrl.Trim();
        server.TimeoutMs = timeoutMs;
        server.CredentialReference = credential;
        server.Enabled = body.Enabled ?? server.Enabled;
        server.UpdatedAt = admin.Now;
        admin.Changed(ConfigEntityKinds.McpServer, server.Id, ConfigOperation.Updated);
        await admin.CommitAsync("mcp-server.update", org, Target(org, project, name), StatusCodes.Status200OK, ct);
        return Results.Ok(McpServerView.From(server));
    }

    private static async Task<IResult> DeleteAsync(AdminContext admin, string org, string project, string name, CancellationToken ct)
    {
        var organization = await admin.AdministeredOrganizationAsync(org, "mcp-server.delete", Target(org, project, name), ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var server = await FindAsync(admin, entity, name, ct);
        admin.Db.McpServers.Remove(server);
        admin.Changed(ConfigEntityKinds.McpServer, server.Id, ConfigOperation.Deleted);
        await admin.CommitAsync("mcp-server.delete", org, Target(org, project, name), StatusCodes.Status204NoContent, ct);
        return Results.NoContent();
    }

    private static void Validate(Validation validation, string? backendUrl, int timeoutMs, string? credentialReference)
    {
        validation.HttpUrl("backendUrl", backendUrl).MaxLength("backendUrl", backendUrl, 2048)
            .Range("timeoutMs", timeoutMs, 100, 300_000)
            .CredentialReference("credentialReference", credentialReference)
            .ThrowIfInvalid();
    }

    private static async Task<McpServer> FindAsync(AdminContext admin, Project project, string name, CancellationToken ct) =>
        await admin.Db.McpServers.SingleOrDefaultAsync(m => m.ProjectId == project.Id && m.Name == name, ct)
            ?? throw new AdminNotFoundException($"MCP server '{name}' does not exist in project '{project.Slug}'.");
}
