using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Warden.MockProvider;
using Warden.Storage.Entities;
using Warden.Testing;

namespace Warden.Tests.Admin;

/// <summary>Providers through the admin API: CRUD, write-only credential references, delete protection, connection tests.</summary>
public sealed class ProviderApiTests : IClassFixture<AdminApiServer>, IAsyncLifetime
{
    private readonly AdminApiServer _server;
    private readonly Uri _mockUrl = FreePort.NextUrl();
    private readonly Uri _failingMockUrl = FreePort.NextUrl();
    private WebApplication? _mock;
    private WebApplication? _failingMock;

    public ProviderApiTests(AdminApiServer server)
    {
        _server = server;
    }

    public async Task InitializeAsync()
    {
        _mock = MockProviderServer.Build(new MockProviderOptions { Url = _mockUrl });
        _failingMock = MockProviderServer.Build(new MockProviderOptions { Url = _failingMockUrl, FailStatus = 401 });
        await _mock.StartAsync();
        await _failingMock.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var app in new[] { _mock, _failingMock })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }
    }

    private async Task<HttpClient> OrgWithProjectAsync(string org)
    {
        var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = org, name = org }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/orgs/{org}/projects", new { slug = "p1", name = "P1" }).ExpectAsync(HttpStatusCode.Created);
        return admin;
    }

    private ConfigChange? LastChange()
    {
        using var db = _server.Contexts.CreateDbContext();
        return db.ConfigChanges.AsNoTracking().OrderByDescending(c => c.Id).FirstOrDefault();
    }

    [Fact]
    public async Task Provider_CreateReadUpdateDelete_NeverShowsTheCredentialReference()
    {
        using var admin = await OrgWithProjectAsync("prov-crud");
        const string reference = "env:PROJCFG_CRUD_REFERENCE_NAME";
        var created = await admin.PostJsonAsync("/api/orgs/prov-crud/projects/p1/providers", new
        {
            name = "azure-east",
            type = "azure-openai",
            baseUrl = "https://east.example.openai.azure.com",
            settings = new Dictionary<string, string> { ["apiVersion"] = "2024-10-21" },
            headers = new Dictionary<string, string> { ["x-team"] = "payments" },
            credentialReference = reference,
        }).ExpectAsync(HttpStatusCode.Created);
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain("PROJCFG_CRUD_REFERENCE_NAME", createdText, StringComparison.Ordinal);
        var view = await created.JsonAsync();
        Assert.True(view["hasCredential"]!.GetValue<bool>());
        Assert.Equal("azure-openai", view["type"]!.GetValue<string>());
        Assert.Equal("2024-10-21", view["settings"]!["api-version"]!.GetValue<string>());
        Assert.Equal("payments", view["headers"]!["x-team"]!.GetValue<string>());
        Assert.Equal("provider.create", _server.LastAudit()!.Action);
        var change = LastChange()!;
        Assert.Equal(ConfigEntityKinds.Provider, change.EntityKind);
        Assert.Equal(view["id"]!.GetValue<Guid>(), change.EntityId);
        Assert.Equal(ConfigOperation.Created, change.Operation);
        await using (var db = _server.Contexts.CreateDbContext())
        {
            Assert.Equal(reference, db.Providers.Single(p => p.Name == "azure-east").CredentialReference);
        }

        var read = await admin.GetAsync("/api/orgs/prov-crud/projects/p1/providers/azure-east").ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("PROJCFG_CRUD_REFERENCE_NAME", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var list = await admin.GetAsync("/api/orgs/prov-crud/projects/p1/providers").ExpectAsync(HttpStatusCode.OK);
        var listText = await list.Content.ReadAsStringAsync();
        Assert.DoesNotContain("PROJCFG_CRUD_REFERENCE_NAME", listText, StringComparison.Ordinal);
        Assert.Equal("azure-east", (await list.JsonAsync())["items"]![0]!["name"]!.GetValue<string>());

        var patched = await admin.PatchJsonAsync("/api/orgs/prov-crud/projects/p1/providers/azure-east", new { baseUrl = "https://west.example.openai.azure.com" })
            .ExpectAsync(HttpStatusCode.OK);
        var patchedView = await patched.JsonAsync();
        Assert.Equal("https://west.example.openai.azure.com", patchedView["baseUrl"]!.GetValue<string>());
        Assert.True(patchedView["hasCredential"]!.GetValue<bool>());
        Assert.Equal("provider.update", _server.LastAudit()!.Action);
        Assert.Equal(ConfigOperation.Updated, LastChange()!.Operation);

        var cleared = await (await admin.PatchJsonAsync("/api/orgs/prov-crud/projects/p1/providers/azure-east", new { credentialReference = "" })
            .ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.False(cleared["hasCredential"]!.GetValue<bool>());

        await admin.DeleteAsync("/api/orgs/prov-crud/projects/p1/providers/azure-east").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("provider.delete", _server.LastAudit()!.Action);
        Assert.Equal(ConfigOperation.Deleted, LastChange()!.Operation);
        await admin.GetAsync("/api/orgs/prov-crud/projects/p1/providers/azure-east").ExpectAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain("PROJCFG_CRUD_REFERENCE_NAME", _server.LastAudit()!.Target ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_InvalidFields_AreNamedInTheProblem()
    {
        using var admin = await OrgWithProjectAsync("prov-invalid");
        var problem = await (await admin.PostJsonAsync("/api/orgs/prov-invalid/projects/p1/providers", new
        {
            name = "Bad Name",
            type = "openai",
            baseUrl = "ftp://example.com",
            settings = new Dictionary<string, string> { ["apiVersion"] = "2024-10-21" },
            headers = new Dictionary<string, string> { ["Authorization"] = "Bearer sk-inline", ["x-api-key"] = "inline" },
            credentialReference = "vault:secret/openai",
        }).ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        var errors = problem["errors"]!;
        Assert.NotNull(errors["name"]);
        Assert.NotNull(errors["baseUrl"]);
        Assert.NotNull(errors["settings.apiVersion"]);
        Assert.NotNull(errors["headers.Authorization"]);
        Assert.NotNull(errors["headers.x-api-key"]);
        Assert.NotNull(errors["credentialReference"]);
        Assert.DoesNotContain("vault:secret", problem.ToJsonString(), StringComparison.Ordinal);

        var badType = await (await admin.PostJsonAsync("/api/orgs/prov-invalid/projects/p1/providers", new { name = "x", type = "bedrock", baseUrl = "https://x.example" })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(badType["errors"]!["type"]);

        var relative = await (await admin.PostJsonAsync("/api/orgs/prov-invalid/projects/p1/providers", new { name = "x", type = "openai", baseUrl = "https://x.example", credentialReference = "file:relative/path" })
            .ExpectAsync(HttpStatusCode.BadRequest)).JsonAsync();
        Assert.NotNull(relative["errors"]!["credentialReference"]);

        await admin.PostJsonAsync("/api/orgs/prov-invalid/projects/p1/providers", new { name = "dup", type = "openai", baseUrl = "https://x.example/v1" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync("/api/orgs/prov-invalid/projects/p1/providers", new { name = "dup", type = "openai", baseUrl = "https://x.example/v1" }).ExpectAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Provider_Delete_IsRefusedWhileARouteUsesIt_AndAllowedAfterTheRouteIsGone()
    {
        using var admin = await OrgWithProjectAsync("prov-used");
        await admin.PostJsonAsync("/api/orgs/prov-used/projects/p1/providers", new { name = "openai", type = "openai", baseUrl = "https://api.example.com/v1" }).ExpectAsync(HttpStatusCode.Created);
        await admin.PostJsonAsync("/api/orgs/prov-used/projects/p1/routes", new
        {
            logicalModel = "coding-default",
            strategy = "single",
            targets = new[] { new { provider = "openai", upstreamModel = "gpt-4o" } },
        }).ExpectAsync(HttpStatusCode.Created);

        var refused = await admin.DeleteAsync("/api/orgs/prov-used/projects/p1/providers/openai").ExpectAsync(HttpStatusCode.Conflict);
        Assert.Contains("coding-default", (await refused.JsonAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await admin.GetAsync("/api/orgs/prov-used/projects/p1/providers/openai").ExpectAsync(HttpStatusCode.OK);

        await admin.DeleteAsync("/api/orgs/prov-used/projects/p1/routes/coding-default").ExpectAsync(HttpStatusCode.NoContent);
        await admin.DeleteAsync("/api/orgs/prov-used/projects/p1/providers/openai").ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task TestConnection_SavedAndUnsaved_ListModelsFromTheMockProvider_WithoutEchoingTheCredential()
    {
        using var admin = await OrgWithProjectAsync("prov-test-ok");
        const string secret = "sk-projcfg-env-secret-4d2c1b";
        Environment.SetEnvironmentVariable("PROJCFG_TEST_OK_KEY", secret);
        var baseUrl = new Uri(_mockUrl, "/v1").ToString();
        await admin.PostJsonAsync("/api/orgs/prov-test-ok/projects/p1/providers", new { name = "mock", type = "mock", baseUrl, credentialReference = "env:PROJCFG_TEST_OK_KEY" })
            .ExpectAsync(HttpStatusCode.Created);

        var saved = await admin.PostAsync("/api/orgs/prov-test-ok/projects/p1/providers/mock/test", null).ExpectAsync(HttpStatusCode.OK);
        var savedText = await saved.Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, savedText, StringComparison.Ordinal);
        Assert.DoesNotContain("PROJCFG_TEST_OK_KEY", savedText, StringComparison.Ordinal);
        var result = await saved.JsonAsync();
        Assert.True(result["ok"]!.GetValue<bool>(), savedText);
        Assert.Equal(200, result["status"]!.GetValue<int>());
        Assert.NotEmpty(result["models"]!.AsArray());
        Assert.True(result["models"]!.AsArray().Count <= 20);
        Assert.True(result["latencyMs"]!.GetValue<long>() >= 0);
        var audit = _server.LastAudit()!;
        Assert.Equal("provider.test", audit.Action);
        Assert.Equal(AuditOutcome.Allowed, audit.Outcome);

        var file = Path.Combine(Path.GetTempPath(), $"projcfg-secret-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, "sk-projcfg-file-secret-77aa\n");
        try
        {
            var unsaved = await admin.PostJsonAsync("/api/orgs/prov-test-ok/projects/p1/providers/test", new { type = "openai", baseUrl, credentialReference = "file:" + file })
                .ExpectAsync(HttpStatusCode.OK);
            var unsavedText = await unsaved.Content.ReadAsStringAsync();
            Assert.DoesNotContain("sk-projcfg-file-secret", unsavedText, StringComparison.Ordinal);
            Assert.DoesNotContain(file, unsavedText, StringComparison.Ordinal);
            Assert.True((await unsaved.JsonAsync())["ok"]!.GetValue<bool>(), unsavedText);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Equal("provider.test", _server.LastAudit()!.Action);
    }

    [Fact]
    public async Task TestConnection_ClosedPort_Unauthorized_AndMissingCredential_ReportFailure()
    {
        using var admin = await OrgWithProjectAsync("prov-test-fail");
        var closed = await (await admin.PostJsonAsync("/api/orgs/prov-test-fail/projects/p1/providers/test", new { type = "openai", baseUrl = FreePort.NextUrl() + "v1" })
            .ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.False(closed["ok"]!.GetValue<bool>());
        Assert.Null(closed["status"]);
        Assert.False(string.IsNullOrEmpty(closed["error"]!.GetValue<string>()));

        Environment.SetEnvironmentVariable("PROJCFG_TEST_FAIL_KEY", "sk-projcfg-rejected-31f0");
        await admin.PostJsonAsync("/api/orgs/prov-test-fail/projects/p1/providers", new
        {
            name = "rejecting",
            type = "openai",
            baseUrl = new Uri(_failingMockUrl, "/v1").ToString(),
            credentialReference = "env:PROJCFG_TEST_FAIL_KEY",
        }).ExpectAsync(HttpStatusCode.Created);
        var rejected = await admin.PostAsync("/api/orgs/prov-test-fail/projects/p1/providers/rejecting/test", null).ExpectAsync(HttpStatusCode.OK);
        var rejectedText = await rejected.Content.ReadAsStringAsync();
        Assert.DoesNotContain("sk-projcfg-rejected", rejectedText, StringComparison.Ordinal);
        Assert.DoesNotContain("PROJCFG_TEST_FAIL_KEY", rejectedText, StringComparison.Ordinal);
        var rejectedResult = await rejected.JsonAsync();
        Assert.False(rejectedResult["ok"]!.GetValue<bool>());
        Assert.Equal(401, rejectedResult["status"]!.GetValue<int>());

        var unset = await admin.PostJsonAsync("/api/orgs/prov-test-fail/projects/p1/providers/test",
            new { type = "anthropic", baseUrl = new Uri(_mockUrl, "/v1").ToString(), credentialReference = "env:PROJCFG_NEVER_SET_VARIABLE" }).ExpectAsync(HttpStatusCode.OK);
        var unsetText = await unset.Content.ReadAsStringAsync();
        Assert.DoesNotContain("PROJCFG_NEVER_SET_VARIABLE", unsetText, StringComparison.Ordinal);
        var unsetResult = await unset.JsonAsync();
        Assert.False(unsetResult["ok"]!.GetValue<bool>());
        Assert.Contains("not set", unsetResult["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Member_IsDenied_ProviderMutations_AndTests_WithDeniedAuditRows()
    {
        using var admin = await OrgWithProjectAsync("prov-member");
        await admin.PostJsonAsync("/api/orgs/prov-member/projects/p1/providers", new { name = "openai", type = "openai", baseUrl = "https://api.example.com/v1" }).ExpectAsync(HttpStatusCode.Created);
        using var member = _server.Client(await _server.CreateUserTokenAsync("prov-member@example.com", "prov-member"));

        var calls = new (string Action, Func<Task<HttpResponseMessage>> Call)[]
        {
            ("provider.create", () => member.PostJsonAsync("/api/orgs/prov-member/projects/p1/providers", new { name = "evil", type = "openai", baseUrl = "https://evil.example/v1" })),
            ("provider.update", () => member.PatchJsonAsync("/api/orgs/prov-member/projects/p1/providers/openai", new { baseUrl = "https://evil.example/v1" })),
            ("provider.delete", () => member.DeleteAsync("/api/orgs/prov-member/projects/p1/providers/openai")),
            ("provider.test", () => member.PostAsync("/api/orgs/prov-member/projects/p1/providers/openai/test", null)),
            ("provider.test", () => member.PostJsonAsync("/api/orgs/prov-member/projects/p1/providers/test", new { type = "openai", baseUrl = "https://evil.example/v1" })),
        };
        foreach (var (action, call) in calls)
        {
            await call().ExpectAsync(HttpStatusCode.Forbidden);
            var audit = _server.LastAudit()!;
            Assert.Equal(action, audit.Action);
            Assert.Equal(AuditOutcome.Denied, audit.Outcome);
            Assert.Equal(403, audit.HttpStatus);
        }

        await member.GetAsync("/api/orgs/prov-member/projects/p1/providers").ExpectAsync(HttpStatusCode.Forbidden);
        var unchanged = await (await admin.GetAsync("/api/orgs/prov-member/projects/p1/providers/openai").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.Equal("https://api.example.com/v1", unchanged["baseUrl"]!.GetValue<string>());
    }
}
