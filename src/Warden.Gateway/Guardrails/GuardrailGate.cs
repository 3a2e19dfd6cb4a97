using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Warden.Core.Diagnostics;
using Warden.Core.Errors;
using Warden.Core.Guardrails;
using Warden.Core.Usage;
using Warden.Gateway.Gates;
using Warden.Gateway.Pipeline;
using Warden.Gateway.Snapshots;
using Warden.Gateway.Usage;

namespace Warden.Gateway.Guardrails;

/// <summary>
/// Gate 2 (SPEC G-1, G-2, G-4): scans the request's user-controlled text (<see cref="RequestTextWalker"/>) with the
/// project's compiled guardrails. A prompt-injection pattern, or PII of a kind whose rule is <c>block</c>, stops the
/// request with 403 <c>guardrail_blocked</c> naming the rule id (never the content) and records the block — a $0
/// usage event carrying the rule and a redacted snippet. PII of a kind whose rule is <c>mask</c> is replaced by its
/// typed placeholder in the body that is forwarded. A project with no rules costs one dictionary lookup.
/// </summary>
public sealed partial class GuardrailGate : IGuardrailGate
{
    [ThreadStatic]
    private static List<PiiMatch>? t_matches;

    private readonly GuardrailCompiler _compiler;
    private readonly IUsageSink _usage;
    private readonly TimeProvider _time;
    private readonly ILogger<GuardrailGate> _logger;

    /// <summary>Creates the gate; projects are compiled whenever <paramref name="snapshots"/> applies a snapshot.</summary>
    public GuardrailGate(GuardrailCompiler compiler, SnapshotStore snapshots, IUsageSink usage, TimeProvider time, ILogger<GuardrailGate> logger)
    {
        ArgumentNullException.ThrowIfNull(compiler);
        ArgumentNullException.ThrowIfNull(snapshots);
        _compiler = compiler;
        _usage = usage;
        _time = time;
        _logger = logger;
        snapshots.Applied += compiler.Prepare;
        if (snapshots.Current is { } current)
        {
            compiler.Prepare(current);
        }
    }

    /// <inheritdoc />
    public ValueTask<GateDecision> CheckAsync(IGatewayRequestFeature request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Key is not { } key || request.Operation.Operation is not { } operation)
        {
            return ValueTask.FromResult(GateDecision.Pass);
        }

        var guardrails = _compiler.For(key.Consumer.Project, request.Snapshot.Config);
        if (guardrails.IsEmpty)
        {
            return ValueTask.FromResult(GateDecision.Pass);
        }

        var matches = t_matches ??= new List<PiiMatch>(16);
        var inspect = new InspectVisitor(guardrails, matches, this);
        try
        {
            RequestTextWalker.Walk(request.Body.Span, operation, ref inspect);
        }
        finally
        {
            inspect.Dispose();
        }

        if (inspect.BlockRule is { } rule)
        {
            RecordBlock(request, rule, inspect.BlockKind!, inspect.BlockSnippet!);
            return ValueTask.FromResult(new GateDecision(GatewayError.GuardrailBlocked,
                $"The request was blocked by a guardrail (rule {rule})."));
        }

        if (inspect.MaskMatches > 0)
        {
            request.Body = Mask(request.Body, operation, guardrails, matches);
            request.MaskedPii = inspect.MaskMatches;
        }

        return ValueTask.FromResult(GateDecision.Pass);
    }

    private static ReadOnlyMemory<byte> Mask(ReadOnlyMemory<byte> body, Providers.Abstractions.OperationKind operation, CompiledGuardrails guardrails, List<PiiMatch> matches)
    {
        var output = new ArrayBufferWriter<byte>(body.Length + 64);
        var rewrite = new RewriteVisitor(body, output, guardrails.Scanner!, matches);
        RequestTextWalker.Walk(body.Span, operation, ref rewrite);
        output.Write(body.Span[rewrite.Copied..]);
        return output.WrittenMemory;
    }

    private void RecordBlock(IGatewayRequestFeature request, string rule, string kind, string snippet)
    {
        var consumer = request.Key!.Consumer;
        var groups = consumer.Groups;
        var groupIds = new Guid[groups.Length];
        for (var i = 0; i < groups.Length; i++)
        {
            groupIds[i] = groups[i].Id;
        }

        var now = _time.GetUtcNow();
        _usage.Publish(new UsageEvent
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            OrganizationId = consumer.Project.OrganizationId,
            ProjectId = consumer.Project.Id,
            ConsumerId = consumer.Id,
            GroupIds = groupIds,
            KeyId = request.Key.Id,
            LogicalModel = request.Facts?.Model ?? "",
            Status = "guardrail_blocked",
            HttpStatus = 403,
            LatencyMs = (long)Stopwatch.GetElapsedTime(request.StartTimestamp).TotalMilliseconds,
            RequestId = request.RequestId,
            Block = new GuardrailBlockInfo(rule, kind, snippet),
        });
        LogBlocked(_logger, request.RequestId, rule, consumer.Project.OrganizationSlug, consumer.Project.Slug);
    }

    private void PatternTimedOut(string rule) => LogPatternTimeout(_logger, rule, GuardrailCompiler.BacktrackingTimeout.TotalMilliseconds);

    [LoggerMessage(EventId = WardenEventIds.GuardrailBlocked, Level = LogLevel.Information, Message = "Request {RequestId} blocked by guardrail rule {RuleId} (project {Organization}/{Project})")]
    private static partial void LogBlocked(ILogger logger, string requestId, string ruleId, string organization, string project);

    [LoggerMessage(EventId = WardenEventIds.GuardrailPatternTimeout, Level = LogLevel.Warning, Message = "Guardrail pattern {RuleId} exceeded its {TimeoutMs} ms match timeout; the text was let through")]
    private static partial void LogPatternTimeout(ILogger logger, string ruleId, double timeoutMs);

    // First pass: stops at the first block; otherwise counts what must be masked.
    private struct InspectVisitor : ITextVisitor, IDisposable
    {
        private readonly CompiledGuardrails _guardrails;
        private readonly List<PiiMatch> _matches;
        private readonly GuardrailGate _gate;
        private char[]? _chars;

        public InspectVisitor(CompiledGuardrails guardrails, List<PiiMatch> matches, GuardrailGate gate)
        {
            _guardrails = guardrails;
            _matches = matches;
            _gate = gate;
        }

        public string? BlockRule { get; private set; }

        public string? BlockKind { get; private set; }

        public string? BlockSnippet { get; private set; }

        public int MaskMatches { get; private set; }

        public bool Visit(ReadOnlySpan<byte> text, int tokenStart, int tokenLength)
        {
            if (!_guardrails.Patterns.IsEmpty && !CheckPatterns(text))
            {
                return false;
            }

            if (_guardrails.Scanner is not { } scanner)
            {
                return true;
            }

            _matches.Clear();
            scanner.Scan(text, _matches);
            foreach (var match in _matches)
            {
                if (_guardrails.Blocks(match.Kind))
                {
                    BlockRule = PiiKinds.RuleId(match.Kind);
                    BlockKind = "pii";
                    BlockSnippet = PiiMasking.Snippet(text, match.Start, match.Length, match.Kind);
                    return false;
                }
            }

            MaskMatches += _matches.Count;
            return true;
        }

        public void Dispose()
        {
            if (_chars is not null)
            {
                ArrayPool<char>.Shared.Return(_chars);
                _chars = null;
            }
        }

        private bool CheckPatterns(ReadOnlySpan<byte> text)
        {
            var needed = Encoding.UTF8.GetMaxCharCount(text.Length);
            if (_chars is null || _chars.Length < needed)
            {
                Dispose();
                _chars = ArrayPool<char>.Shared.Rent(Math.Max(needed, 1024));
            }

            var chars = _chars.AsSpan(0, Encoding.UTF8.GetChars(text, _chars));
            foreach (var group in _guardrails.PatternGroups)
            {
                try
                {
                    if (group.Screen.IsMatch(chars) && FirstMatch(group, text, chars))
                    {
                        return false;
                    }
                }
                catch (RegexMatchTimeoutException)
                {
                    _gate.PatternTimedOut(group.Members[0].RuleId);
                }
            }

            return true;
        }

        // After the group's screen matched: names the first rule that matches, and where.
        private bool FirstMatch(PatternGroup group, ReadOnlySpan<byte> text, ReadOnlySpan<char> chars)
        {
            foreach (var pattern in group.Members)
            {
                foreach (var match in pattern.Regex.EnumerateMatches(chars))
                {
                    BlockRule = pattern.RuleId;
                    BlockKind = "pattern";
                    var start = Encoding.UTF8.GetByteCount(chars[..match.Index]);
                    var length = Encoding.UTF8.GetByteCount(chars.Slice(match.Index, match.Length));
                    BlockSnippet = PiiMasking.Snippet(text, start, length, focusKind: null);
                    return true;
                }
            }

            return false;
        }
    }

    // Second pass (only when something is masked): copies the body, rewriting the text values that hold PII.
    private struct RewriteVisitor : ITextVisitor
    {
        private readonly ReadOnlyMemory<byte> _body;
        private readonly ArrayBufferWriter<byte> _output;
        private readonly PiiScanner _scanner;
        private readonly List<PiiMatch> _matches;
        private ArrayBufferWriter<byte>? _masked;

        public RewriteVisitor(ReadOnlyMemory<byte> body, ArrayBufferWriter<byte> output, PiiScanner scanner, List<PiiMatch> matches)
        {
            _body = body;
            _output = output;
            _scanner = scanner;
            _matches = matches;
        }

        public int Copied { get; private set; }

        public bool Visit(ReadOnlySpan<byte> text, int tokenStart, int tokenLength)
        {
            _matches.Clear();
            _scanner.Scan(text, _matches);
            if (_matches.Count == 0)
            {
                return true;
            }

            _output.Write(_body.Span[Copied..tokenStart]);
            _masked ??= new ArrayBufferWriter<byte>(text.Length + 64);
            _masked.ResetWrittenCount();
            PiiMasking.Mask(text, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_matches), _masked);
            JsonStringWriter.Write(_output, _masked.WrittenSpan);
            Copied = tokenStart + tokenLength;
            return true;
        }
    }
}
