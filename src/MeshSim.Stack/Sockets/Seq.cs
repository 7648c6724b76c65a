namespace MeshSim.Stack.Sockets;

/// <summary>TCP sequence-number arithmetic modulo 2^32 (RFC 9293 3.4): comparisons look at the
/// signed difference, which is right as long as the numbers are less than 2^31 apart.</summary>
internal static class Seq
{
    public static bool Lt(uint a, uint b) => (int)(a - b) < 0;
    public static bool Le(uint a, uint b) => (int)(a - b) <= 0;
    public static bool Gt(uint a, uint b) => (int)(a - b) > 0;
    public static bool Ge(uint a, uint b) => (int)(a - b) >= 0;
    /// <summary>Signed distance b - a.</summary>
    public static int Diff(uint from, uint to) => (int)(to - from);
    public static uint Max(uint a, uint b) => Gt(a, b) ? a : b;
}
