namespace Warden.Core.Snapshots;

/// <summary>The scope a budget or limit applies to; the tightest applicable one wins.</summary>
public enum PolicyScope
{
    /// <summary>A whole organization.</summary>
    Organization,

    /// <summary>A project.</summary>
    Project,

    /// <summary>A group (applies to its members' consumers in the projects it is assigned to).</summary>
    Group,

    /// <summary>One consumer.</summary>
    Consumer,
}
