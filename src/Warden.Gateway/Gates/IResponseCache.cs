using Microsoft.AspNetCore.Http;
using Warden.Gateway.Pipeline;

namespace Warden.Gateway.Gates;

/// <summary>Gate 5: the project's response cache.</summary>
public interface IResponseCache
{
    /// <summary>Answers the request from the cache if it can; true when the response was written.</summary>
    ValueTask<bool> TryServeAsync(HttpContext context, IGatewayRequestFeature request);
}
