namespace Warden.Storage.Entities;

/// <summary>
/// The <see cref="ConfigChange.EntityKind"/> values admin writes record. The reconcile loop reads them to decide
/// what changed: a key or consumer change travels to gateways as a small delta, anything else rebuilds the
/// configuration part of the snapshot.
/// </summary>
public static class ConfigEntityKinds
{
    public const string Organization = "organization";
    public const string User = "user";
    public const string Membership = "membership";
    public const string Group = "group";
    public const string Project = "project";
    public const string Consumer = "consumer";
    public const string ApiKey = "api_key";
    public const string Provider = "provider";
    public const string Route = "route";
    public const string Price = "price";
    public const string Budget = "budget";
    public const string Limit = "limit";
    public const string Guardrails = "guardrails";
    public const string Cache = "cache";
    public const string SemanticGuard = "semantic_guard";
    public const string McpServer = "mcp_server";
    public const string AccessToken = "access_token";
    public const string PlatformSetting = "platform_setting";
}
