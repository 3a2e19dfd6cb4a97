using Microsoft.AspNetCore.Http;

namespace Warden.ControlPlane.Admin;

/// <summary>
/// A request the admin API refuses. Handlers throw these; <see cref="AdminEndpointFilter"/> turns them into RFC 7807
/// problem details (and audits denials of mutations).
/// </summary>
public abstract class AdminProblemException : Exception
{
    protected AdminProblemException(int status, string title, string detail)
        : base(detail)
    {
        Status = status;
        Title = title;
    }

    /// <summary>The HTTP status to answer with.</summary>
    public int Status { get; }

    /// <summary>The problem title (stable per kind of problem).</summary>
    public string Title { get; }
}

/// <summary>The principal may not do this (403). Mutations are audited with outcome <c>denied</c>.</summary>
public sealed class AdminDeniedException : AdminProblemException
{
    public AdminDeniedException(string action, string? organizationSlug, string? target, string detail)
        : base(StatusCodes.Status403Forbidden, "Forbidden", detail)
    {
        Action = action;
        OrganizationSlug = organizationSlug;
        Target = target;
    }

    /// <summary>The action that was refused, e.g. <c>project.create</c>.</summary>
    public string Action { get; }

    /// <summary>The organization the request addressed, if any.</summary>
    public string? OrganizationSlug { get; }

    /// <summary>What the action was aimed at.</summary>
    public string? Target { get; }
}

/// <summary>The resource does not exist (404).</summary>
public sealed class AdminNotFoundException(string detail)
    : AdminProblemException(StatusCodes.Status404NotFound, "Not Found", detail);

/// <summary>The request conflicts with the current state (409): a duplicate name, a provider still in use.</summary>
public sealed class AdminConflictException(string detail)
    : AdminProblemException(StatusCodes.Status409Conflict, "Conflict", detail);

/// <summary>The request body is malformed (415 or 400 without a field).</summary>
public sealed class AdminBadRequestException(int status, string detail)
    : AdminProblemException(status, status == StatusCodes.Status415UnsupportedMediaType ? "Unsupported Media Type" : "Bad Request", detail);

/// <summary>One or more fields are invalid (400, problem details with <c>errors</c> naming each field).</summary>
public sealed class AdminValidationException : AdminProblemException
{
    public AdminValidationException(IDictionary<string, string[]> errors)
        : base(StatusCodes.Status400BadRequest, "One or more fields are invalid.", string.Join("; ", errors.Select(e => e.Key + ": " + string.Join(" ", e.Value))))
    {
        Errors = errors;
    }

    public AdminValidationException(string field, string message)
        : this(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] })
    {
    }

    /// <summary>Messages per field (JSON property path, e.g. <c>targets[0].provider</c>).</summary>
    public IDictionary<string, string[]> Errors { get; }
}
