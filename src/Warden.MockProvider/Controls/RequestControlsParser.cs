using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Warden.MockProvider.Controls;

/// <summary>
/// Reads the per-request controls: directives appended to the model name (<c>gpt-4o-mini@status=503@latency=20</c>),
/// because a gateway forwards the upstream model id it was configured with, and <c>x-mock-*</c> headers, which win
/// over directives because they are the most specific. A segment after <c>@</c> that is not a known directive stays
/// part of the model name (Vertex-style ids such as <c>claude-3-5-sonnet@20240620</c>).
/// </summary>
internal static class RequestControlsParser
{
    public const string LatencyHeader = "x-mock-latency-ms";
    public const string ChunkIntervalHeader = "x-mock-chunk-interval-ms";
    public const string OutputTokensHeader = "x-mock-output-tokens";
    public const string StatusHeader = "x-mock-status";
    public const string HangHeader = "x-mock-hang";
    public const string DisconnectHeader = "x-mock-disconnect-after";
    public const string CachedTokensHeader = "x-mock-cached-tokens";
    public const string EchoHeader = "x-mock-echo";

    private const int MaxDelayMilliseconds = 3_600_000;

    /// <summary>
    /// Applies the model directives and headers of one request to <paramref name="defaults"/>.
    /// Returns false with a message naming the bad header or directive when a value is invalid.
    /// </summary>
    public static bool TryResolve(
        RequestControls defaults,
        string? rawModel,
        IHeaderDictionary headers,
        out RequestControls controls,
        out string model,
        out string? error)
    {
        controls = defaults;
        model = rawModel ?? "";
        error = null;

        if (rawModel is not null && rawModel.Contains('@', StringComparison.Ordinal))
        {
            if (!TryApplyDirectives(ref controls, rawModel, out model, out error))
            {
                return false;
            }
        }

        return TryApplyHeaders(ref controls, headers, out error);
    }

    private static bool TryApplyDirectives(ref RequestControls controls, string rawModel, out string model, out string? error)
    {
        error = null;
        var segments = rawModel.Split('@');
        var name = segments[0];
        for (var i = 1; i < segments.Length; i++)
        {
            var segment = segments[i];
            var equals = segment.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? segment : segment[..equals];
            var value = equals < 0 ? null : segment[(equals + 1)..];
            var label = "model directive @" + key;
            var ok = key switch
            {
                "latency" => TryDelay(label, value, out var latency, out error) && Set(ref controls, controls with { Latency = latency }),
                "chunk-interval" => TryDelay(label, value, out var interval, out error) && Set(ref controls, controls with { ChunkInterval = interval }),
                "tokens" => TryInt(label, value, 0, MockProviderOptions.MaxOutputTokens, out var tokens, out error) && Set(ref controls, controls with { OutputTokens = tokens }),
                "status" => TryInt(label, value, 400, 599, out var status, out error) && Set(ref controls, controls with { Status = status }),
                "hang" => TryBool(label, value ?? "true", out var hang, out error) && Set(ref controls, controls with { Hang = hang }),
                "disconnect" => TryInt(label, value, 0, int.MaxValue, out var chunks, out error) && Set(ref controls, controls with { DisconnectAfter = chunks }),
                "cached" => TryInt(label, value, 0, int.MaxValue, out var cached, out error) && Set(ref controls, controls with { CachedTokens = cached }),
                "echo" => TryBool(label, value ?? "true", out var echo, out error) && Set(ref controls, controls with { Echo = echo }),
                _ => Unknown(ref name, segment),
            };
            if (!ok)
            {
                model = segments[0];
                return false;
            }
        }

        model = name;
        return true;
    }

    private static bool TryApplyHeaders(ref RequestControls controls, IHeaderDictionary headers, out string? error)
    {
        error = null;
        if (Header(headers, LatencyHeader) is { } latencyText)
        {
            if (!TryDelay(LatencyHeader, latencyText, out var latency, out error))
            {
                return false;
            }

            controls = controls with { Latency = latency };
        }

        if (Header(headers, ChunkIntervalHeader) is { } intervalText)
        {
            if (!TryDelay(ChunkIntervalHeader, intervalText, out var interval, out error))
            {
                return false;
            }

            controls = controls with { ChunkInterval = interval };
        }

        if (Header(headers, OutputTokensHeader) is { } tokensText)
        {
            if (!TryInt(OutputTokensHeader, tokensText, 0, MockProviderOptions.MaxOutputTokens, out var tokens, out error))
            {
                return false;
            }

            controls = controls with { OutputTokens = tokens };
        }

        if (Header(headers, StatusHeader) is { } statusText)
        {
            if (!TryInt(StatusHeader, statusText, 400, 599, out var status, out error))
            {
                return false;
            }

            controls = controls with { Status = status };
        }

        if (Header(headers, HangHeader) is { } hangText)
        {
            if (!TryBool(HangHeader, hangText, out var hang, out error))
            {
                return false;
            }

            controls = controls with { Hang = hang };
        }

        if (Header(headers, DisconnectHeader) is { } disconnectText)
        {
            if (!TryInt(DisconnectHeader, disconnectText, 0, int.MaxValue, out var chunks, out error))
            {
                return false;
            }

            controls = controls with { DisconnectAfter = chunks };
        }

        if (Header(headers, CachedTokensHeader) is { } cachedText)
        {
            if (!TryInt(CachedTokensHeader, cachedText, 0, int.MaxValue, out var cached, out error))
            {
                return false;
            }

            controls = controls with { CachedTokens = cached };
        }

        if (Header(headers, EchoHeader) is { } echoText)
        {
            if (!TryBool(EchoHeader, echoText, out var echo, out error))
            {
                return false;
            }

            controls = controls with { Echo = echo };
        }

        return true;
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0]?.Trim() : null;

    private static bool Set(ref RequestControls controls, RequestControls value)
    {
        controls = value;
        return true;
    }

    private static bool Unknown(ref string name, string segment)
    {
        name = name + "@" + segment;
        return true;
    }

    private static bool TryDelay(string label, string? text, out TimeSpan delay, out string? error)
    {
        var ok = TryInt(label, text, 0, MaxDelayMilliseconds, out var milliseconds, out error);
        delay = TimeSpan.FromMilliseconds(milliseconds);
        return ok;
    }

    private static bool TryInt(string label, string? text, int min, int max, out int value, out string? error)
    {
        // NumberStyles.None: digits only, no sign, no spaces, no culture-specific separators.
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            error = null;
            return true;
        }

        error = max == int.MaxValue
            ? string.Create(CultureInfo.InvariantCulture, $"{label} must be an integer of at least {min}, got '{text}'.")
            : string.Create(CultureInfo.InvariantCulture, $"{label} must be an integer between {min} and {max}, got '{text}'.");
        return false;
    }

    private static bool TryBool(string label, string text, out bool value, out string? error)
    {
        if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) || text == "1")
        {
            value = true;
        }
        else if (string.Equals(text, "false", StringComparison.OrdinalIgnoreCase) || text == "0")
        {
            value = false;
        }
        else
        {
            value = false;
            error = $"{label} must be true or false, got '{text}'.";
            return false;
        }

        error = null;
        return true;
    }
}
