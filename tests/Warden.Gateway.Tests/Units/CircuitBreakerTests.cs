using Microsoft.Extensions.Time.Testing;
using Warden.Gateway.Forwarding;

namespace Warden.Gateway.Tests.Units;

public sealed class CircuitBreakerTests
{
    private const string Target = "provider/model";

    [Fact]
    public void AllowRequest_BelowThreshold_StaysClosed()
    {
        var breaker = new CircuitBreaker(new FakeTimeProvider());

        for (var i = 0; i < CircuitBreaker.FailureThreshold - 1; i++)
        {
            breaker.RecordFailure(Target);
        }

        Assert.True(breaker.AllowRequest(Target));
        Assert.False(breaker.IsOpen(Target));
    }

    [Fact]
    public void AllowRequest_AtThreshold_OpensForTheCoolDown_ThenLetsOneProbeThrough()
    {
        var time = new FakeTimeProvider();
        var breaker = new CircuitBreaker(time);
        for (var i = 0; i < CircuitBreaker.FailureThreshold; i++)
        {
            breaker.RecordFailure(Target);
        }

        Assert.False(breaker.AllowRequest(Target));
        time.Advance(CircuitBreaker.CoolDown - TimeSpan.FromSeconds(1));
        Assert.False(breaker.AllowRequest(Target));

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(breaker.AllowRequest(Target));   // the half-open probe
        Assert.False(breaker.AllowRequest(Target));  // only one per cool-down
    }

    [Fact]
    public void RecordSuccess_AfterProbe_ClosesTheCircuit()
    {
        var time = new FakeTimeProvider();
        var breaker = new CircuitBreaker(time);
        for (var i = 0; i < CircuitBreaker.FailureThreshold; i++)
        {
            breaker.RecordFailure(Target);
        }

        time.Advance(CircuitBreaker.CoolDown + TimeSpan.FromSeconds(1));
        Assert.True(breaker.AllowRequest(Target));
        breaker.RecordSuccess(Target);

        Assert.True(breaker.AllowRequest(Target));
        Assert.True(breaker.AllowRequest(Target));
        Assert.False(breaker.IsOpen(Target));
    }

    [Fact]
    public void Targets_AreIndependent()
    {
        var breaker = new CircuitBreaker(new FakeTimeProvider());
        for (var i = 0; i < CircuitBreaker.FailureThreshold; i++)
        {
            breaker.RecordFailure(Target);
        }

        Assert.True(breaker.AllowRequest("other/model"));
    }
}
