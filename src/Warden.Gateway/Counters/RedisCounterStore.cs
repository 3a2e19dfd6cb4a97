using System.Collections.Immutable;
using System.Globalization;
using StackExchange.Redis;
using Warden.Core.Budgets;

namespace Warden.Gateway.Counters;

/// <summary>
/// Counters in Redis, shared by every gateway replica. Each counter is a hash (<c>s</c> settled, <c>r</c> reserved,
/// <c>h:&lt;id&gt;</c> per-reservation amounts, <c>seeded</c> for budgets) plus a sorted set of reservation expiries
/// (<c>&lt;key&gt;:p</c>). One Lua script checks and reserves across every scope of a request in one round trip, so
/// concurrent requests on any number of gateways can never jointly overshoot a cap by more than one reservation.
/// Keys carry their period and expire after it; reservations expire on their own, purged by the next script that
/// touches the counter.
/// </summary>
public sealed class RedisCounterStore : ICounterStore, IAsyncDisposable
{
    // KEYS: k1, k1:p, k2, k2:p, …   ARGV: id, nowMs, holdUntilMs, then per counter: kind, limit, amount, expireAtMs (0: none).
    // Returns {0} reserved, {1, index, used} refused, {2, index…} budget counters to seed first.
    private const string ReserveScript = """
        local id = ARGV[1]
        local now = tonumber(ARGV[2])
        local holdUntil = tonumber(ARGV[3])
        local n = #KEYS / 2
        local used = {}
        local unseeded = {2}
        for i = 1, n do
          local k = KEYS[2 * i - 1]
          local pk = KEYS[2 * i]
          local expired = redis.call('ZRANGEBYSCORE', pk, '-inf', now)
          if #expired > 0 then
            for _, h in ipairs(expired) do
              local amount = redis.call('HGET', k, 'h:' .. h)
              if amount then
                redis.call('HINCRBY', k, 'r', -tonumber(amount))
                redis.call('HDEL', k, 'h:' .. h)
                -- Remembered so a late settle still counts what the request used (once).
                redis.call('HSET', k, 'x:' .. h, '1')
              end
            end
            redis.call('ZREMRANGEBYSCORE', pk, '-inf', now)
          end
          local kind = ARGV[4 * i]
          if kind == 'b' and redis.call('HEXISTS', k, 'seeded') == 0 then
            unseeded[#unseeded + 1] = i - 1
          else
            local v = redis.call('HMGET', k, 's', 'r')
            used[i] = (tonumber(v[1]) or 0) + (tonumber(v[2]) or 0)
          end
        end
        if #unseeded > 1 then
          return unseeded
        end
        for i = 1, n do
          local kind = ARGV[4 * i]
          local limit = tonumber(ARGV[4 * i + 1])
          local amount = tonumber(ARGV[4 * i + 2])
          local u = used[i]
          local fits
          if kind == 't' then
            fits = (u == 0) or (u + amount <= limit)
          else
            fits = (u + amount <= limit)
          end
          if not fits then
            return {1, i - 1, u}
          end
        end
        for i = 1, n do
          local k = KEYS[2 * i - 1]
          local pk = KEYS[2 * i]
          local amount = ARGV[4 * i + 2]
          local expireAt = tonumber(ARGV[4 * i + 3])
          redis.call('HINCRBY', k, 'r', amount)
          redis.call('HSET', k, 'h:' .. id, amount)
          redis.call('ZADD', pk, holdUntil, id)
          if expireAt == 0 then
            expireAt = holdUntil + 60000
          end
          if redis.call('PEXPIRETIME', k) < expireAt then
            redis.call('PEXPIREAT', k, expireAt)
          end
          redis.call('PEXPIREAT', pk, math.max(expireAt, holdUntil))
        end
        return {0}
        """;

    // KEYS: k1, k1:p, …   ARGV: id, then per counter: actual, expireAtMs (0: none).
    // Per counter: an open hold (h:id) is released and the actual amount counted; a hold that expired before the
    // settle (x:id) has only the actual counted; neither means this reservation was settled already: nothing changes.
    private const string SettleScript = """
        local id = ARGV[1]
        local n = #KEYS / 2
        local settled = 0
        for i = 1, n do
          local k = KEYS[2 * i - 1]
          local pk = KEYS[2 * i]
          local count = false
          local amount = redis.call('HGET', k, 'h:' .. id)
          if amount then
            redis.call('HINCRBY', k, 'r', -tonumber(amount))
            redis.call('HDEL', k, 'h:' .. id)
            redis.call('ZREM', pk, id)
            count = true
          elseif redis.call('HDEL', k, 'x:' .. id) == 1 then
            count = true
          end
          local actual = tonumber(ARGV[2 * i])
          if count and actual > 0 then
            redis.call('HINCRBY', k, 's', actual)
            local expireAt = tonumber(ARGV[2 * i + 1])
            if expireAt > 0 and redis.call('PEXPIRETIME', k) < expireAt then
              redis.call('PEXPIREAT', k, expireAt)
            end
          end
          if count then
            settled = settled + 1
          end
        end
        return settled
        """;

    // KEYS: budget counters   ARGV: per counter: amount, expireAtMs. The first seed wins; later ones are ignored.
    private const string SeedScript = """
        local seeded = 0
        for i = 1, #KEYS do
          if redis.call('HSETNX', KEYS[i], 'seeded', '1') == 1 then
            redis.call('HINCRBY', KEYS[i], 's', ARGV[2 * i - 1])
            redis.call('PEXPIREAT', KEYS[i], ARGV[2 * i])
            seeded = seeded + 1
          end
        end
        return seeded
        """;

    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;

    public RedisCounterStore(CounterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuration = ConfigurationOptions.Parse(options.Redis ?? throw new ArgumentException("Gateway:Counters:Redis is required.", nameof(options)));
        // Never wait for Redis: a refused request (or one let through, per the fail mode) beats a request stuck
        // behind a reconnect. Commands fail at once while disconnected; the multiplexer reconnects by itself.
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = Math.Min(configuration.ConnectTimeout, 2000);
        configuration.AsyncTimeout = Math.Min(configuration.AsyncTimeout, 2000);
        configuration.SyncTimeout = Math.Min(configuration.SyncTimeout, 2000);
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(configuration));
    }

    /// <inheritdoc />
    public async ValueTask<ReserveResult> ReserveAsync(string reservationId, ImmutableArray<CounterCharge> charges, DateTimeOffset now, TimeSpan holdFor, CancellationToken cancellationToken)
    {
        var keys = new RedisKey[charges.Length * 2];
        var args = new RedisValue[3 + (charges.Length * 4)];
        args[0] = reservationId;
        args[1] = now.ToUnixTimeMilliseconds();
        args[2] = (now + holdFor).ToUnixTimeMilliseconds();
        for (var i = 0; i < charges.Length; i++)
        {
            var charge = charges[i];
            keys[2 * i] = charge.Key;
            keys[(2 * i) + 1] = charge.Key + ":p";
            args[3 + (4 * i)] = KindCode(charge.Kind);
            args[4 + (4 * i)] = charge.Limit;
            args[5 + (4 * i)] = charge.Amount;
            args[6 + (4 * i)] = ExpireAt(charge);
        }

        var result = await EvaluateAsync(ReserveScript, keys, args);
        var values = (RedisResult[])result!;
        switch ((int)values[0])
        {
            case 0:
                return ReserveResult.Reserved;
            case 1:
                return new ReserveResult(ReserveStatus.Refused, (int)values[1], (long)values[2]);
            default:
                var unseeded = new int[values.Length - 1];
                for (var i = 1; i < values.Length; i++)
                {
                    unseeded[i - 1] = (int)values[i];
                }

                return new ReserveResult(ReserveStatus.NeedsSeed, Unseeded: unseeded);
        }
    }

    /// <inheritdoc />
    public async ValueTask SettleAsync(string reservationId, ImmutableArray<CounterCharge> charges, long[] actuals, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actuals);
        var keys = new RedisKey[charges.Length * 2];
        var args = new RedisValue[1 + (charges.Length * 2)];
        args[0] = reservationId;
        for (var i = 0; i < charges.Length; i++)
        {
            keys[2 * i] = charges[i].Key;
            keys[(2 * i) + 1] = charges[i].Key + ":p";
            args[1 + (2 * i)] = actuals[i];
            args[2 + (2 * i)] = ExpireAt(charges[i]);
        }

        await EvaluateAsync(SettleScript, keys, args);
    }

    /// <inheritdoc />
    public async ValueTask SeedAsync(IReadOnlyList<CounterSeed> seeds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var keys = new RedisKey[seeds.Count];
        var args = new RedisValue[seeds.Count * 2];
        for (var i = 0; i < seeds.Count; i++)
        {
            keys[i] = seeds[i].Key;
            args[2 * i] = seeds[i].Amount;
            args[(2 * i) + 1] = seeds[i].ExpiresAt.ToUnixTimeMilliseconds();
        }

        await EvaluateAsync(SeedScript, keys, args);
    }

    /// <summary>Settled and reserved amounts of a counter (tests, diagnostics).</summary>
    public async Task<(long Settled, long Reserved)> ReadAsync(string key)
    {
        var connection = await _connection.Value;
        var values = await connection.GetDatabase().HashGetAsync(key, ["s", "r"]);
        return (values[0].IsNull ? 0 : (long)values[0], values[1].IsNull ? 0 : (long)values[1]);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            var connection = await _connection.Value;
            await connection.DisposeAsync();
        }
    }

    private async Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] args)
    {
        try
        {
            var connection = await _connection.Value;
            // ScriptEvaluateAsync sends EVALSHA once the script is known to the server (and reloads it after a restart).
            return await connection.GetDatabase().ScriptEvaluateAsync(script, keys, args);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            throw new CounterStoreUnavailableException("The Redis counter store is unavailable: " + ex.GetType().Name, ex);
        }
    }

    // Counters of a period are kept 10 minutes past it, for settles of requests that straddle the boundary.
    private static long ExpireAt(CounterCharge charge) =>
        charge.PeriodEnd is { } end ? end.AddMinutes(10).ToUnixTimeMilliseconds() : 0;

    private static string KindCode(CounterKind kind) => kind switch
    {
        CounterKind.BudgetUsd => "b",
        CounterKind.TokensPerMinute => "t",
        CounterKind.RequestsPerMinute => "r",
        _ => "c",
    };
}
