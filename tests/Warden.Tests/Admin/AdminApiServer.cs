using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Warden.ControlPlane;
using Warden.ControlPlane.Admin;
using Warden.ControlPlane.Hosting;
using Warden.Core.Keys;
using Warden.Storage;
using Warden.Storage.Entities;
using Warden.Testing;

namespace Warden.Tests.Admin;

/// <summary>
/// A real control plane (in this process, on a free port) over a real PostgreSQL database of its own, with the
/// bootstrap admin token set. Use as a class fixture; seed principals with <see cref="CreateUserTokenAsync"/>.
/// </summary>
public sealed class AdminApiServer : IAsyncLifetime
{
    public const string BootstrapToken = "admin-api-test-bootstrap-token-0123456789abcdef";

    /// <summary>The token gateways use for the control plane's internal endpoints.</summary>
    public const string InternalToken = "admin-api-test-internal-token-0123456789abcdef";

    private readonly PostgresDatabase _database = new();
    private WebApplication? _app;

    public Uri Url { get; } = FreePort.NextUrl();

    public string ConnectionString => _database.ConnectionString;

    public WardenDbContextFactory Contexts { get; private set; } = null!;

    /// <summary>The running control plane's services (for enumerating its endpoints).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        Contexts = new WardenDbContextFactory(StorageOptions.ForPostgres(_database.ConnectionString));
        var options = new ControlPlaneOptions
        {
            Url = Url.ToString().TrimEnd('/'),
            InternalToken = InternalToken,
            BootstrapAdminToken = BootstrapToken,
        };
        var builder = ControlPlaneApplication.CreateBuilder(options, StorageOptions.ForPostgres(_database.ConnectionString));
        builder.Logging.ClearProviders();
        _app = builder.Build().UseControlPlane();
        await _app.StartAsync();
        using var http = new HttpClient { BaseAddress = Url };
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while ((await http.GetAsync("/readyz")).StatusCode != HttpStatusCode.OK)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("The control plane did not become ready.");
            }

            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    /// <summary>An HTTP client for the admin API sending <paramref name="token"/> (none when null).</summary>
    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = Url };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>A client authenticated with the bootstrap (platform admin) token.</summary>
    public HttpClient Admin() => Client(BootstrapToken);

    /// <summary>
    /// Seeds a user (created when missing) with the given role in <paramref name="orgSlug"/> (none when null; a
    /// platform admin grant when <paramref name="platformAdmin"/>) and returns a personal access token for them.
    /// </summary>
    public async Task<string> CreateUserTokenAsync(string email, string? orgSlug, MembershipRole role = MembershipRole.Member, bool platformAdmin = false)
    {
        await using var db = Contexts.CreateDbContext();
        var now = DateTimeOffset.UtcNow;
        var normalized = User.NormalizeEmail(email);
        var user = db.Users.SingleOrDefault(u => u.NormalizedEmail == normalized);
        if (user is null)
        {
            user = new User { Email = email, DisplayName = email.Split('@')[0], CreatedAt = now };
            db.Users.Add(user);
        }

        if (orgSlug is not null)
        {
            var org = db.Organizations.Single(o => o.Slug == orgSlug);
            db.Memberships.Add(new Membership { UserId = user.Id, OrganizationId = org.Id, Role = role, CreatedAt = now });
        }

        if (platformAdmin)
        {
            db.PlatformAdminGrants.Add(new PlatformAdminGrant { Kind = PlatformAdminGrantKind.Email, Value = normalized, CreatedAt = now });
        }

        var (token, publicId, hash) = AccessTokenFormat.Generate();
        db.AccessTokens.Add(new AccessToken
        {
            PublicId = publicId,
            SecretHash = hash,
            OwnerUserId = user.Id,
            Name = "test",
            Role = platformAdmin ? AccessTokenRole.PlatformAdmin : role == MembershipRole.OrgAdmin ? AccessTokenRole.OrgAdmin : AccessTokenRole.Member,
            CreatedAt = now,
        });
        await db.SaveChangesAsync();
        return token;
    }

    /// <summary>The newest audit event, or null.</summary>
    public AuditEvent? LastAudit()
    {
        using var db = Contexts.CreateDbContext();
        return db.AuditEvents.OrderByDescending(e => e.Id).FirstOrDefault();
    }
}

/// <summary>Small helpers for JSON calls in admin tests.</summary>
public static class AdminHttp
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body, AdminJson.Options);

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string path, object body) =>
        client.PatchAsJsonAsync(path, body, AdminJson.Options);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, object body) =>
        client.PutAsJsonAsync(path, body, AdminJson.Options);

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new JsonException("null body");
    }

    /// <summary>Asserts the status, showing the body when it differs.</summary>
    public static async Task<HttpResponseMessage> ExpectAsync(this Task<HttpResponseMessage> call, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(call);
        var response = await call;
        if (response.StatusCode != status)
        {
            Assert.Fail($"Expected {(int)status} but got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return response;
    }
}
