using System.Collections.Concurrent;
using System.Text.Json;

namespace Warden.MockProvider.Stats;

/// <summary>
/// Requests received per path and per model (as sent, directives included), for tests of gateway retries and
/// fallback, and the requests in flight (so a test can see that a gateway gave up on a hanging upstream call). Each table holds at most <see cref="MaxKeys"/> distinct keys; further keys are counted under
/// <see cref="OtherKey"/>, so a client sending random paths cannot grow it without bound.
/// </summary>
internal sealed class MockStats
{
    public const int MaxKeys = 1000;
    public const string OtherKey = "(other)";

    private readonly ConcurrentDictionary<string, long> _paths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _models = new(StringComparer.Ordinal);
    private long _total;
    private long _inFlight;

    public void RecordPath(string path)
    {
        Interlocked.Increment(ref _total);
        Increment(_paths, path);
    }

    public void RecordModel(string model) => Increment(_models, model);

    public void RequestStarted() => Interlocked.Increment(ref _inFlight);

    public void RequestEnded() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Clears the counts; requests in flight are a live value and are kept.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _total, 0);
        _paths.Clear();
        _models.Clear();
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("total", Interlocked.Read(ref _total));
        writer.WriteNumber("in_flight", Interlocked.Read(ref _inFlight));
        WriteTable(writer, "paths", _paths);
        WriteTable(writer, "models", _models);
        writer.WriteEndObject();
    }

    private static void Increment(ConcurrentDictionary<string, long> table, string key)
    {
        if (table.Count >= MaxKeys && !table.ContainsKey(key))
        {
            key = OtherKey;
        }

        table.AddOrUpdate(key, 1, static (_, count) => count + 1);
    }

    private static void WriteTable(Utf8JsonWriter writer, string name, ConcurrentDictionary<string, long> table)
    {
        writer.WriteStartObject(name);
        foreach (var (key, count) in table.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.WriteNumber(key, count);
        }

        writer.WriteEndObject();
    }
}
