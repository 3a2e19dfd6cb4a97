using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>
/// Chargeback exports of usage-ledger rows (SPEC ML-5): <c>GET /api/orgs/{org}/usage/export</c>,
/// <c>GET /api/orgs/{org}/projects/{project}/usage/export</c> (org admins of the organization, platform admins) and
/// <c>GET /api/usage/export</c> (platform admins, every organization), each with <c>from</c>, <c>to</c> and
/// <c>format=csv|json</c>. Rows are streamed from the database to the client one by one; every export is audited
/// (<c>usage.export</c>) before the first row leaves.
/// </summary>
public static class UsageExportEndpoints
{
    /// <summary>Longest export window: a year (rows are streamed, so the window bounds the work, not memory).</summary>
    public const int MaxExportDays = 366;

    /// <summary>The audit action of an export.</summary>
    public const string Action = "usage.export";

    public static RouteGroupBuilder MapUsageExportEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/usage/export", PlatformExportAsync).WithTags("Usage").WithMetadata(AuditedRead.Instance).Produces(StatusCodes.Status200OK, contentType: UsageExportResult.CsvContentType, additionalContentTypes: "application/json");
        api.MapGet("/orgs/{org}/usage/export", OrganizationExportAsync).WithTags("Usage").WithMetadata(AuditedRead.Instance).Produces(StatusCodes.Status200OK, contentType: UsageExportResult.CsvContentType, additionalContentTypes: "application/json");
        api.MapGet("/orgs/{org}/projects/{project}/usage/export", ProjectExportAsync).WithTags("Usage").WithMetadata(AuditedRead.Instance).Produces(StatusCodes.Status200OK, contentType: UsageExportResult.CsvContentType, additionalContentTypes: "application/json");
        return api;
    }

    private static async Task<IResult> PlatformExportAsync(AdminContext admin, HttpRequest request, CancellationToken ct)
    {
        const string target = "usage:all";
        admin.RequirePlatformAdmin(Action, null, target);
        var (format, from, to) = ReadQuery(request, admin.Now);
        var records = admin.Db.UsageRecords.AsNoTracking().Where(r => r.OccurredAt >= from && r.OccurredAt < to);
        var names = await ExportNames.LoadAsync(admin.Db, null, ct);
        await admin.CommitAsync(Action, null, Window(target, from, to), StatusCodes.Status200OK, ct);
        return new UsageExportResult(admin.Db, records, names, format, FileName("all", from, to, format));
    }

    private static async Task<IResult> OrganizationExportAsync(AdminContext admin, HttpRequest request, string org, CancellationToken ct)
    {
        var target = Targets.Organization(org);
        var organization = await admin.AdministeredOrganizationAsync(org, Action, target, ct);
        var (format, from, to) = ReadQuery(request, admin.Now);
        var records = admin.Db.UsageRecords.AsNoTracking().Where(r => r.OrganizationId == organization.Id && r.OccurredAt >= from && r.OccurredAt < to);
        var names = await ExportNames.LoadAsync(admin.Db, organization.Id, ct);
        await admin.CommitAsync(Action, org, Window(target, from, to), StatusCodes.Status200OK, ct);
        return new UsageExportResult(admin.Db, records, names, format, FileName(org, from, to, format));
    }

    private static async Task<IResult> ProjectExportAsync(AdminContext admin, HttpRequest request, string org, string project, CancellationToken ct)
    {
        var target = Targets.Project(org, project);
        var organization = await admin.AdministeredOrganizationAsync(org, Action, target, ct);
        var entity = await admin.ProjectAsync(organization, project, ct);
        var (format, from, to) = ReadQuery(request, admin.Now);
        var records = admin.Db.UsageRecords.AsNoTracking().Where(r => r.ProjectId == entity.Id && r.OccurredAt >= from && r.OccurredAt < to);
        var names = await ExportNames.LoadAsync(admin.Db, organization.Id, ct);
        await admin.CommitAsync(Action, org, Window(target, from, to), StatusCodes.Status200OK, ct);
        return new UsageExportResult(admin.Db, records, names, format, FileName($"{org}-{project}", from, to, format));
    }

    private static (UsageExportFormat Format, DateTimeOffset From, DateTimeOffset To) ReadQuery(HttpRequest request, DateTimeOffset now)
    {
        var format = UsageExportFormat.Csv;
        if (request.Query.TryGetValue("format", out var raw) && raw.ToString().Length > 0)
        {
            format = raw.ToString().ToUpperInvariant() switch
            {
                "CSV" => UsageExportFormat.Csv,
                "JSON" => UsageExportFormat.Json,
                _ => throw new AdminValidationException("format", "must be csv or json."),
            };
        }

        var (from, to) = UsageEndpoints.ReadWindow(request, now, MaxExportDays);
        return (format, from, to);
    }

    // The audit target names the period, so the log says which months of financial data left the system.
    private static string Window(string target, DateTimeOffset from, DateTimeOffset to) =>
        $"{target} [{UsageExportResult.FormatInstant(from)}, {UsageExportResult.FormatInstant(to)})";

    private static string FileName(string scope, DateTimeOffset from, DateTimeOffset to, UsageExportFormat format) => string.Create(CultureInfo.InvariantCulture,
        $"usage-{scope}-{from.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{to.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.{(format == UsageExportFormat.Csv ? "csv" : "json")}");
}
