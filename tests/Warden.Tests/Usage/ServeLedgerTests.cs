using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Warden.Storage;
using Warden.Testing;

namespace Warden.Tests.Usage;

/// <summary>
/// <c>warden serve</c> ships usage through the same shipper and ingest service as a cluster: every answered request
/// is in the SQLite ledger, including those still queued when the process is stopped (graceful shutdown flushes).
/// </summary>
public sealed class ServeLedgerTests
{
    [Fact]
    public async Task Serve_RequestsThenSigterm_EveryRequestInTheSqliteLedger()
    {
        var dataDir = Directory.CreateTempSubdirectory("warden-serve-ledger-").FullName;
        try
        {
            var gatewayUrl = FreePort.NextUrl();
            string apiKey;
            string model;
            const int Requests = 40;
            await using (var serve = WardenProcess.Start(["serve", "--demo", "--data-dir", dataDir, "--gateway-url", gatewayUrl.ToString().TrimEnd('/'), "--control-plane-url", FreePort.NextUrl().ToString().TrimEnd('/')]))
            {
                await serve.WaitForHttpOkAsync(new Uri(gatewayUrl, "/readyz"), TimeSpan.FromSeconds(60));
                var demoFile = Path.Combine(dataDir, "demo.json");
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (!File.Exists(demoFile))
                {
                    Assert.True(DateTime.UtcNow < deadline, "no demo.json: " + serve.Output);
                    await Task.Delay(100);
                }

                await Task.Delay(200);
                using (var demo = JsonDocument.Parse(await File.ReadAllTextAsync(demoFile)))
                {
                    apiKey = demo.RootElement.GetProperty("apiKey").GetString()!;
                    model = demo.RootElement.GetProperty("model").GetString()!;
                }

                using var http = new HttpClient();
                for (var i = 0; i < Requests; i++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gatewayUrl, "/v1/chat/completions"))
                    {
                        Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"Hello {{i}}"}]}""", Encoding.UTF8, "application/json"),
                    };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
                    using var response = await http.SendAsync(request);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }

                // Stop at once: the last batch is still waiting for its 200 ms window.
                Assert.Equal(0, await serve.StopAsync(TimeSpan.FromSeconds(30)));
                Assert.Contains("Usage shipper stopped", serve.Output, StringComparison.Ordinal);
            }

            var contexts = new WardenDbContextFactory(StorageOptions.ForSqliteFile(Path.Combine(dataDir, "warden.db")));
            await using (var context = contexts.CreateDbContext())
            {
                Assert.Equal(Requests, await context.UsageRecords.CountAsync(r => r.Status == "ok"));
                Assert.Equal(Requests, await context.UsageRecords.Select(r => r.RequestId).Distinct().CountAsync());
            }

            // Nothing was left behind in the spool.
            Assert.Empty(Directory.GetFiles(Path.Combine(dataDir, "spool"), "*.seg"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
