using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.Core.Guardrails;
using Warden.Core.Snapshots;
using Warden.Core.Usage;
using Warden.Gateway.Gates;
using Warden.Gateway.Guardrails;
using Warden.Gateway.Pipeline;
using Warden.Gateway.Snapshots;
using Warden.Gateway.Usage;
using Warden.Providers.Abstractions;

namespace Warden.Benchmarks;

/// <summary>
/// The whole guardrail gate on a ~1 KB chat body, as a request meets it: find the text fields (one reader pass), scan
/// them for every PII kind with a mask rule, and — when something is found — rewrite the body. Also with the curated
/// prompt-injection library on, and with no rules at all (the cost every project without guardrails pays).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class GuardrailGateBenchmarks
{
    private GuardrailGate _gate = null!;
    private Request _none = null!;
    private Request _clean = null!;
    private Request _withPii = null!;
    private Request _patterns = null!;

    [GlobalSetup]
    public void Setup()
    {
        var allMask = PiiKinds.Names.ToFrozenDictionary(n => n, _ => PiiRuleAction.Mask, StringComparer.Ordinal);
        var none = Project("none", null);
        var pii = Project("pii", new GuardrailSettings([], [], allMask));
        var patterns = Project("patterns", new GuardrailSettings([.. InjectionPatternLibrary.All.Select(p => p.Id)], [], allMask));
        KeyEntry[] keys = [Key(none), Key(pii), Key(patterns)];
        var snapshot = new ConfigSnapshot(1, DateTimeOffset.UnixEpoch, keys, [none, pii, patterns]);
        var store = new SnapshotStore();
        store.Apply(snapshot);
        _gate = new GuardrailGate(new GuardrailCompiler(NullLogger<GuardrailCompiler>.Instance), store, new DiscardingSink(), TimeProvider.System, NullLogger<GuardrailGate>.Instance);

        var clean = Payloads.ChatBody(1_024);
        var withPii = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(clean).Replace(
            "Answer in plain English.", "Answer in plain English. Contact jane.doe@example.com or +44 20 7946 0958, card 4111 1111 1111 1111.", StringComparison.Ordinal));
        _none = new Request(snapshot, keys[0], clean);
        _clean = new Request(snapshot, keys[1], clean);
        _withPii = new Request(snapshot, keys[1], withPii);
        _patterns = new Request(snapshot, keys[2], clean);
    }

    [Benchmark(Description = "guardrail gate, no rules")]
    public GateDecision NoRules() => Check(_none);

    [Benchmark(Description = "guardrail gate, all PII kinds masked, clean 1 KB chat")]
    public GateDecision PiiClean() => Check(_clean);

    [Benchmark(Description = "guardrail gate, all PII kinds masked, 3 items to mask")]
    public GateDecision PiiMasking() => Check(_withPii);

    [Benchmark(Description = "guardrail gate, PII + curated library, clean 1 KB chat")]
    public GateDecision PiiAndPatterns() => Check(_patterns);

    private GateDecision Check(Request request)
    {
        var body = request.Body;
        var pending = _gate.CheckAsync(request, CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The guardrail gate is synchronous.");
        }

        var decision = pending.Result;
        request.Body = body;
        return decision;
    }

    private static ProjectEntry Project(string slug, GuardrailSettings? guardrails) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "acme", slug, FrozenDictionary<string, RouteEntry>.Empty, ProjectSettings.Empty with { Guardrails = guardrails });

    private static KeyEntry Key(ProjectEntry project)
    {
        var generated = Warden.Core.Keys.ApiKeyFormat.Generate();
        return new KeyEntry(Guid.NewGuid(), generated.PublicId, generated.SecretHash, new ConsumerEntry(Guid.NewGuid(), project.Slug, project, ImmutableArray<GroupEntry>.Empty), null, null);
    }

    private sealed class DiscardingSink : IUsageSink
    {
        public void Publish(UsageEvent usageEvent)
        {
        }
    }

    private sealed class Request(ConfigSnapshot snapshot, KeyEntry key, byte[] body) : IGatewayRequestFeature
    {
        public ConfigSnapshot Snapshot { get; } = snapshot;

        public GatewayOperation Operation { get; } = new(OperationKind.ChatCompletions);

        public KeyEntry? Key { get; set; } = key;

        public ReadOnlyMemory<byte> Body { get; set; } = body;

        public RequestFacts? Facts { get; set; } = new() { Model = "gpt-4o-mini" };

        public RouteEntry? Route { get; set; }

        public int MaskedPii { get; set; }

        public string RequestId { get; } = "bench";

        public long StartTimestamp { get; }
    }
}
