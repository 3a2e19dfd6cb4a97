using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Warden.ControlPlane.Internal;

/// <summary>Checks the shared secrets of the internal endpoints (snapshot, spend, usage ingest).</summary>
internal static class BearerToken
{
    /// <summary>
    /// True when the request carries <c>Authorization: Bearer &lt;expected&gt;</c>. Both sides are hashed first, so the
    /// comparison takes the same time whatever the length or content of the guess. An unset token matches nothing.
    /// </summary>
    public static bool Matches(HttpRequest request, string? expected)
    {
        if (string.IsNullOrEmpty(expected))
        {
            return false;
        }

        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(header[7..])),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }
}
