using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Warden.Core.Budgets;
using Warden.Core.Budgets.Wire;

namespace Warden.Gateway.Counters;

/// <summary>
/// Month-to-date ledger spend from the control plane's <c>GET /internal/spend</c> (internal token), for seeding budget
/// counters in a standalone gateway. Only called when a counter is absent, never per request.
/// </summary>
public sealed class ControlPlaneSpendClient : ISpendSource, IDisposable
{
    private readonly HttpClient _http;

    public ControlPlaneSpendClient(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2), PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2) })
        {
            BaseAddress = new Uri(options.ControlPlaneUrl ?? throw new ArgumentException("Gateway:ControlPlaneUrl is required.", nameof(options))),
            Timeout = TimeSpan.FromSeconds(5),
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.InternalToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ScopeSpend>> GetMonthToDateAsync(DateTimeOffset monthStart, IReadOnlyList<ScopeRef> scopes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var url = new StringBuilder("/internal/spend?month=").Append(BudgetPeriods.MonthKey(monthStart));
        foreach (var scope in scopes)
        {
            url.Append("&scope=").Append(AdmissionPlanner.ScopeLabel(scope.Scope)).Append("%3A").Append(scope.Id.ToString("N"));
        }

        try
        {
            using var response = await _http.GetAsync(url.ToString(), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new CounterStoreUnavailableException(string.Create(CultureInfo.InvariantCulture,
                    $"The control plane answered {(int)response.StatusCode} to the month-to-date spend query."));
            }

            var wire = await response.Content.ReadFromJsonAsync(SpendWireJsonContext.Default.SpendWire, cancellationToken)
                ?? throw new CounterStoreUnavailableException("The control plane sent an empty spend answer.");
            var result = new List<ScopeSpend>(wire.Scopes.Count);
            foreach (var entry in wire.Scopes)
            {
                if (AdmissionPlanner.TryParseScopeLabel(entry.Scope, out var kind))
                {
                    result.Add(new ScopeSpend(new ScopeRef(kind, entry.Id), entry.Usd));
                }
            }

            return result;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            throw new CounterStoreUnavailableException("The control plane's ledger is unreachable: " + ex.GetType().Name, ex);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
