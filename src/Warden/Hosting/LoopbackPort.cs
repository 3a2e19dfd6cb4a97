using System.Net;
using System.Net.Sockets;

namespace Warden.Hosting;

/// <summary>Asks the OS for a free loopback port (for the demo's built-in mock upstream).</summary>
internal static class LoopbackPort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
