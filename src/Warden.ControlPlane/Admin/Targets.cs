namespace Warden.ControlPlane.Admin;

/// <summary>How audit events name what an action was aimed at: a kind and a path of slugs, never secrets.</summary>
public static class Targets
{
    public static string Organization(string org) => "org:" + org;

    public static string Project(string org, string project) => $"project:{org}/{project}";

    public static string InProject(string kind, string org, string project, string name) => $"{kind}:{org}/{project}/{name}";

    public static string InOrganization(string kind, string org, string name) => $"{kind}:{org}/{name}";
}
