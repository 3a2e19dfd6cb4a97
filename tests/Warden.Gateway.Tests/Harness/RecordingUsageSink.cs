using System.Collections.Concurrent;
using Warden.Core.Usage;
using Warden.Gateway.Usage;

namespace Warden.Gateway.Tests.Harness;

/// <summary>Keeps every usage event the gateway publishes, for assertions.</summary>
public sealed class RecordingUsageSink : IUsageSink
{
    private readonly ConcurrentQueue<UsageEvent> _events = new();

    public IReadOnlyList<UsageEvent> Events => [.. _events];

    public void Publish(UsageEvent usageEvent) => _events.Enqueue(usageEvent);

    /// <summary>Waits until an event matching <paramref name="predicate"/> arrives (events of a stream come at its end).</summary>
    public async Task<UsageEvent> WaitForAsync(Func<UsageEvent, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            var match = _events.FirstOrDefault(predicate);
            if (match is not null)
            {
                return match;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("No matching usage event. Seen: " + string.Join("; ", _events.Select(e => $"{e.RequestId}#{e.Attempt} {e.Status} {e.ProviderName}")));
    }
}
