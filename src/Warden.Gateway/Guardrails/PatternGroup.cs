using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Warden.Gateway.Guardrails;

/// <summary>
/// Patterns that run together: one regex (<see cref="Screen"/>) that matches where any member matches — their
/// alternation, run non-backtracking in a single pass over the text — and the members, run one by one only after a
/// hit to name the rule. A pattern that needs backtracking is a group of its own.
/// </summary>
/// <param name="Screen">The alternation of the members (or the single member's regex).</param>
/// <param name="Members">The patterns, in rule order.</param>
internal sealed record PatternGroup(Regex Screen, ImmutableArray<CompiledPattern> Members);
