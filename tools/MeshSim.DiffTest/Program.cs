// The differential tester's runner: generated pipelines and packet sequences through a real
// Open vSwitch 3.1 userspace bridge and through MeshSim, compared packet by packet.
//   dotnet run -c Release --project tools/MeshSim.DiffTest -- --cases 10000 --seed 1 --out DIR
// Exit code: 0 all agreed, 1 divergences, 2 bad usage or no OVS, 3 real-side errors only.
using MeshSim.Oracles.Differential;
using MeshSim.Oracles.RealOvs;

int cases = 200, first = 0, shrink = 3;
ulong seed = 1;
string? outDir = null, bridge = "dt0";
bool quiet = false;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--cases": cases = int.Parse(Next()); break;
        case "--seed": seed = ulong.Parse(Next()); break;
        case "--case": first = int.Parse(Next()); cases = 1; break;
        case "--first": first = int.Parse(Next()); break;
        case "--out": outDir = Next(); break;
        case "--bridge": bridge = Next(); break;
        case "--shrink-per-category": shrink = int.Parse(Next()); break;
        case "--quiet": quiet = true; break;
        case "--print-case":
            {
                var c = CaseGen.Sample(seed, int.Parse(Next()));
                foreach (var g in c.GroupLines) Console.WriteLine("group " + g);
                foreach (var f in c.Flows) Console.WriteLine("flow  " + f);
                foreach (var p in c.Packets) Console.WriteLine($"pkt   in_port={p.InPort} {p.Kind} {Convert.ToHexStringLower(p.Frame)}");
                return 0;
            }
        case "-h" or "--help":
            Console.WriteLine("usage: MeshSim.DiffTest [--cases N] [--seed S] [--first I | --case I] [--out DIR] [--bridge NAME] [--shrink-per-category K] [--print-case I] [--quiet]");
            Console.WriteLine("OVS: $MESHSIM_OVS_RUNDIR (default /tmp/meshsim-ovs), started by tools/ovs/ovs-start.sh; needs root (veth pairs, libpcap).");
            return 0;
        default: Console.Error.WriteLine($"unknown option {args[i]} (see --help)"); return 2;
    }
}

var runDir = OvsCommand.FindRunDir();
if (runDir is null) { Console.Error.WriteLine("no running Open vSwitch found (start one with tools/ovs/ovs-start.sh; set MESHSIM_OVS_RUNDIR)"); return 2; }
using var real = new RealOvsBridge(new OvsCommand(runDir), bridge!, DiffCase.PortCount);
var run = new DiffRun(new DiffEngine(real))
{
    OutDir = outDir,
    ShrinkPerCategory = shrink,
    Log = quiet ? null : Console.WriteLine,
};
var summary = run.Run(seed, cases, first);
Console.WriteLine($"seed {seed}, cases {first}..{first + cases - 1}, OVS run directory {runDir}");
Console.Write(summary);
return summary.Count(Verdict.Diverged) > 0 ? 1 : summary.Count(Verdict.Agreed) == summary.Cases ? 0 : 3;
