namespace Warden.Storage.Entities;

/// <summary>A policy row attached to one scope (organization, project, group or consumer): budgets and limits.</summary>
public interface IScopedPolicy
{
    /// <summary>Primary key.</summary>
    Guid Id { get; }

    /// <summary>Kind of scope.</summary>
    ScopeKind Scope { get; }

    /// <summary>Id of the organization, project, group or consumer.</summary>
    Guid ScopeId { get; }

    /// <summary>Owning organization.</summary>
    Guid OrganizationId { get; }

    /// <summary>Owning project for project and consumer scopes.</summary>
    Guid? ProjectId { get; }

    /// <summary>When it was set first.</summary>
    DateTimeOffset CreatedAt { get; }

    /// <summary>When it last changed.</summary>
    DateTimeOffset UpdatedAt { get; set; }
}
