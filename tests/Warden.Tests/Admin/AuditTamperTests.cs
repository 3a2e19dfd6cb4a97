using System.Net;
using Microsoft.EntityFrameworkCore;
using Warden.ControlPlane.Audit;
using Warden.Testing;

namespace Warden.Tests.Admin;

/// <summary>Tampering with the audit log in the database is detected (a class of its own: it breaks its chain on purpose).</summary>
public sealed class AuditTamperTests : IClassFixture<AdminApiServer>
{
    private readonly AdminApiServer _server;

    public AuditTamperTests(AdminApiServer server)
    {
        _server = server;
    }

    [Fact]
    public async Task TamperingWithOneRow_IsDetected_ByTheCommandAndTheApi_NamingTheRow()
    {
        using var admin = _server.Admin();
        await admin.PostJsonAsync("/api/orgs", new { slug = "tamper", name = "Tamper" }).ExpectAsync(HttpStatusCode.Created);
        for (var i = 0; i < 4; i++)
        {
            await admin.PostJsonAsync("/api/orgs/tamper/projects", new { slug = $"t{i}", name = $"T{i}" }).ExpectAsync(HttpStatusCode.Created);
        }

        var intact = await WardenProcess.RunAsync(["audit", "verify", "--connection-string", _server.ConnectionString]);
        Assert.True(intact.ExitCode == 0, intact.Output);
        Assert.Contains("Audit chain intact", intact.Output, StringComparison.Ordinal);
        var apiIntact = await (await admin.GetAsync("/api/audit/verify").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.True(apiIntact["valid"]!.GetValue<bool>());

        long victim;
        await using (var db = _server.Contexts.CreateDbContext())
        {
            victim = await db.AuditEvents.Where(e => e.Target == "project:tamper/t2").Select(e => e.Id).SingleAsync();
            // What an intruder with database access would do: rewrite who did it.
            await db.Database.ExecuteSqlRawAsync("UPDATE audit_events SET actor = 'someone-else' WHERE id = {0}", victim);
        }

        var broken = await WardenProcess.RunAsync(["audit", "verify", "--connection-string", _server.ConnectionString]);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains($"BROKEN at event {victim}", broken.Output, StringComparison.Ordinal);
        var apiBroken = await (await admin.GetAsync("/api/audit/verify").ExpectAsync(HttpStatusCode.OK)).JsonAsync();
        Assert.False(apiBroken["valid"]!.GetValue<bool>());
        Assert.Equal(victim, apiBroken["firstBrokenId"]!.GetValue<long>());

        // Putting the value back restores the chain; deleting a row instead breaks it at the row after the gap.
        await using (var db = _server.Contexts.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE audit_events SET actor = 'bootstrap-token' WHERE id = {0}", victim);
            Assert.True((await AuditChain.VerifyAsync(db, CancellationToken.None)).Valid);
            await db.Database.ExecuteSqlRawAsync("DELETE FROM audit_events WHERE id = {0}", victim);
            var afterDelete = await AuditChain.VerifyAsync(db, CancellationToken.None);
            Assert.False(afterDelete.Valid);
            Assert.True(afterDelete.FirstBrokenId > victim);
        }
    }
}
