using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace TppGate.Testing.Network;

/// <summary>
/// A loopback port where every connection is refused, for "storage or server unreachable" tests. The port stays
/// bound, never listening, for the rest of the test process. A port that was only closed again could be handed
/// to the next listener any test opens on port 0, so that the "unreachable" call got an answer instead.
/// </summary>
public static class RefusingPort
{
    private static readonly ConcurrentBag<Socket> Held = [];

    /// <summary>Binds a new loopback port without listening on it and returns its number.</summary>
    public static int Reserve()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Held.Add(socket);
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
