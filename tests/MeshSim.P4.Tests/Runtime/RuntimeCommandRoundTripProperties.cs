using System.Globalization;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshSim.P4.Runtime;

namespace MeshSim.P4.Tests.Runtime;

/// <summary>
/// Runtime commands round trip: a generated <c>table_add</c> is parsed into an entry whose printed
/// forms (the add's echo and <c>table_dump_entry</c>, both in simple_switch_CLI's formats) decode
/// back to the generated values; the same key names the same entry (duplicate refused, lookup by
/// key finds its handle), and deleting it gives the table back as it was.
/// </summary>
public class RuntimeCommandRoundTripProperties
{
    /// <summary>An LPM route: prefix (host bits clear, as a controller writes it), length, next-hop MAC, port (9 bits).</summary>
    public sealed record Route(uint Prefix, int Length, ulong Mac, int Port)
    {
        public string Ip => string.Join('.', BitConverter.GetBytes(Prefix).Reverse());
        public string MacText => string.Join(':', BitConverter.GetBytes(Mac).Take(6).Reverse().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        public string Command => $"table_add MyIngress.ipv4_lpm route {Ip}/{Length} => {MacText} {Port}";
    }

    public static class Routes
    {
        public static Arbitrary<Route> Arb() =>
            (from raw in ArbMap.Default.GeneratorFor<uint>() from len in Gen.Choose(0, 32)
             from mac in ArbMap.Default.GeneratorFor<ulong>() from port in Gen.Choose(0, 511)
             select new Route(len == 0 ? 0 : raw & ~(uint)((1UL << (32 - len)) - 1), len, mac & 0xffff_ffff_ffffUL, port)).ToArbitrary();
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Routes)])]
    public Property Table_add_echo_and_dump_decode_to_the_generated_values(Route r)
    {
        var cli = new RuntimeCli(TestPrograms.Router());
        var add = cli.Execute(r.Command);
        if (!add.Ok) return false.Label(add.Output);
        var echo = Regex.Match(add.Output, @"match key:\s+LPM-([0-9a-f:]+)/(\d+)\naction:\s+route\nruntime data:\s+([0-9a-f:]+)\t([0-9a-f:]+)\nEntry has been added with handle (\d+)$");
        if (!echo.Success) return false.Label(add.Output);
        int handle = int.Parse(echo.Groups[5].Value, CultureInfo.InvariantCulture);
        bool echoed = Hex(echo.Groups[1].Value) == r.Prefix && int.Parse(echo.Groups[2].Value, CultureInfo.InvariantCulture) == r.Length
            && Hex(echo.Groups[3].Value) == r.Mac && Hex(echo.Groups[4].Value) == (ulong)r.Port;

        var dump = cli.Execute($"table_dump_entry MyIngress.ipv4_lpm {handle}");
        var d = Regex.Match(dump.Output, @": LPM\s+([0-9a-f]+)/(\d+)\n.*Action entry: route - ([0-9a-f]+), ([0-9a-f]+)", RegexOptions.Singleline);
        bool dumped = dump.Ok && d.Success && Hex(d.Groups[1].Value) == r.Prefix && int.Parse(d.Groups[2].Value, CultureInfo.InvariantCulture) == r.Length
            && Hex(d.Groups[3].Value) == r.Mac && Hex(d.Groups[4].Value) == (ulong)r.Port;

        bool sameKey = cli.Execute(r.Command).Output.EndsWith("(DUPLICATE_ENTRY)", StringComparison.Ordinal)
            && cli.Execute($"table_dump_entry_from_key MyIngress.ipv4_lpm {r.Ip}/{r.Length}").Output.Contains($"Dumping entry 0x{handle:x}", StringComparison.Ordinal);

        bool deleted = cli.Execute($"table_delete MyIngress.ipv4_lpm {handle}").Ok
            && cli.Execute(r.Command).Output.EndsWith($"handle {handle}", StringComparison.Ordinal);
        return (echoed && dumped && sameKey && deleted).Label($"{add.Output}\n{dump.Output}");
    }

    private static ulong Hex(string text) => ulong.Parse(text.Replace(":", ""), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
