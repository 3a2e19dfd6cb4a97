using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Warden.Core.Errors;
using Warden.Core.Keys;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Pipeline;

/// <summary>
/// Gate 1, key auth: takes the key from <c>Authorization: Bearer</c>, <c>api-key</c> or <c>x-api-key</c>, finds it
/// by public id in the snapshot and compares the secret's hash in constant time. Revoked and expired keys get their
/// own codes so their owners know what happened.
/// </summary>
public sealed class KeyAuthMiddleware
{
    private readonly RequestDelegate _next;
    private readonly TimeProvider _time;

    public KeyAuthMiddleware(RequestDelegate next, TimeProvider time)
    {
        _next = next;
        _time = time;
    }

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<IGatewayRequestFeature>();
        if (feature is null)
        {
            return _next(context);
        }

        var presented = ReadPresentedKey(context.Request.Headers);
        if (presented.IsEmpty)
        {
            return ErrorResponseWriter.WriteAsync(context, GatewayError.InvalidApiKey,
                "No API key provided. Send it as 'Authorization: Bearer <key>'.");
        }

        if (!ApiKeyFormat.TryParse(presented, out var publicId, out var secret))
        {
            return ErrorResponseWriter.WriteAsync(context, GatewayError.InvalidApiKey);
        }

        var key = feature.Snapshot.FindKey(publicId);
        if (key is null || !ApiKeyFormat.Verify(secret, key.SecretHash))
        {
            return ErrorResponseWriter.WriteAsync(context, GatewayError.InvalidApiKey);
        }

        if (key.RevokedAt is not null)
        {
            return ErrorResponseWriter.WriteAsync(context, GatewayError.KeyRevoked);
        }

        if (key.ExpiresAt is { } expires && expires <= _time.GetUtcNow())
        {
            return ErrorResponseWriter.WriteAsync(context, GatewayError.KeyExpired);
        }

        feature.Key = key;
        return _next(context);
    }

    private static ReadOnlySpan<char> ReadPresentedKey(IHeaderDictionary headers)
    {
        if (headers.TryGetValue("Authorization", out StringValues authorization) && authorization.Count == 1)
        {
            var value = authorization[0].AsSpan().Trim();
            if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return value[7..].Trim();
            }

            return default;
        }

        if (headers.TryGetValue("api-key", out var apiKey) && apiKey.Count == 1)
        {
            return apiKey[0].AsSpan().Trim();
        }

        if (headers.TryGetValue("x-api-key", out var xApiKey) && xApiKey.Count == 1)
        {
            return xApiKey[0].AsSpan().Trim();
        }

        return default;
    }
}
