using System.Collections.Immutable;

namespace Warden.Core.Snapshots;

/// <summary>A project's semantic prompt guard.</summary>
/// <param name="Enabled">Whether the guard is on.</param>
/// <param name="Threshold">Similarity to a deny example above which a request is blocked.</param>
/// <param name="DenyExamples">Examples of requests to block.</param>
/// <param name="AllowExamples">Examples of requests that must pass.</param>
public sealed record SemanticGuardSettings(bool Enabled, double Threshold, ImmutableArray<string> DenyExamples, ImmutableArray<string> AllowExamples);
