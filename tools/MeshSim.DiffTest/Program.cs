// The differential tester's runner: generated pipelines and packet sequences through a real
// Open vSwitch 3.1 userspace bridge and through MeshSim, compared packet by packet.
//   dotnet run -c Release --project tools/MeshSim.DiffTest -- --cases 10000 --seed 1 --out DIR
// Exit code: 0 all agreed, 1 divergences, 2 bad usage or no OVS, 3 real-side errors only.
using MeshSim.Oracles.Differential;
using MeshSim.Oracles.RealOvs;

int cases = 200, first = 0, shrink = 3;
ulong seed = 1;
string? outDir = null, bridge = "dt0";
bool quiet = false, shared = false, stop = false, saveAgreeing = false;
string netns = "meshsim-dt";
var record = new List<string>();
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
        case "--shared": shared = true; break;
        case "--netns": netns = Next(); break;
        case "--stop": stop = true; break;
        case "--save-agreeing": saveAgreeing = true; break;
        case "--record": record.Add(Next()); break;
        case "--print-case":
            {
                var c = CaseGen.Sample(seed, int.Parse(Next()));
                foreach (var g in c.GroupLines) Console.WriteLine("group " + g);
                foreach (var f in c.Flows) Console.WriteLine("flow  " + f);
                foreach (var p in c.Packets) Console.WriteLine($"pkt   in_port={p.InPort} {p.Kind} {Convert.ToHexStringLower(p.Frame)}");
                return 0;
            }
        case "-h" or "--help":
            Console.WriteLine("usage: MeshSim.DiffTest [--cases N] [--seed S] [--first I | --case I] [--out DIR] [--bridge NAME] [--shrink-per-category K]");
            Console.WriteLine("                        [--netns NAME | --shared] [--stop] [--save-agreeing] [--print-case I] [--quiet]");
            Console.WriteLine("                        [--record CASE_DIR ...]");
            Console.WriteLine("Needs root (namespaces, veth pairs, libpcap) and Open vSwitch 3.1. By default it starts its own daemons");
            Console.WriteLine("(tools/ovs/ovs-start.sh) in namespace NAME (meshsim-dt), because it flushes conntrack; --stop stops them");
            Console.WriteLine("afterwards. --shared uses the running daemons of $MESHSIM_OVS_RUNDIR (default /tmp/meshsim-ovs) instead.");
            Console.WriteLine("--record DIR runs a stored case (flows.txt, groups.txt, packets.txt) on the real bridge again and rewrites its");
            Console.WriteLine("real.json, with this daemon's NAT hash basis; it prints whether MeshSim now agrees. Repeat it for several cases.");
            return 0;
        default: Console.Error.WriteLine($"unknown option {args[i]} (see --help)"); return 2;
    }
}

PrivateOvs? own = null;
OvsCommand ovs;
if (shared)
{
    var runDir = OvsCommand.FindRunDir();
    if (runDir is null) { Console.Error.WriteLine("no running Open vSwitch found (start one with tools/ovs/ovs-start.sh; set MESHSIM_OVS_RUNDIR)"); return 2; }
    ovs = new OvsCommand(runDir);
}
else
{
    var script = PrivateOvs.FindStartScript(AppContext.BaseDirectory) ?? PrivateOvs.FindStartScript(Environment.CurrentDirectory);
    if (script is null) { Console.Error.WriteLine("tools/ovs/ovs-start.sh not found above the program or the current directory"); return 2; }
    // One run directory per namespace: daemons found alive in a run directory are reused, and
    // they must be the ones in this namespace, where the bridge's ports go.
    try { own = PrivateOvs.Start(netns, $"/tmp/{netns}-ovs", script); }
    catch (InvalidOperationException e) { Console.Error.WriteLine(e.Message); return 2; }
    ovs = own.Ovs;
}
using var real = new RealOvsBridge(ovs, bridge!, DiffCase.PortCount, own?.Netns);
if (record.Count > 0)
{
    var engine = new DiffEngine(real);
    int diverged = 0;
    foreach (var dir in record)
    {
        var (c, _) = RegressionCase.Read(dir);
        var o = engine.Run(c);
        if (o.Real is null) { Console.Error.WriteLine($"{dir}: real side failed: {o.Error}"); return 3; }
        RegressionCase.Write(dir, c, o.Real);
        Console.WriteLine($"{dir}: recorded (NAT hash basis 0x{o.Real.NatHashBasis:x8}); MeshSim {(o.Verdict == Verdict.Agreed ? "agrees" : "diverges:")}");
        foreach (var d in o.Divergences) { Console.WriteLine("  " + d); diverged++; }
    }
    if (stop) { real.Dispose(); own?.Dispose(); }
    return diverged > 0 ? 1 : 0;
}
var run = new DiffRun(new DiffEngine(real))
{
    OutDir = outDir,
    ShrinkPerCategory = shrink,
    SaveAgreeing = saveAgreeing,
    Log = quiet ? null : Console.WriteLine,
};
var summary = run.Run(seed, cases, first);
Console.WriteLine($"seed {seed}, cases {first}..{first + cases - 1}, OVS run directory {ovs.RunDir}" + (own is null ? "" : $" (namespace {own.Netns})"));
real.Dispose();
if (stop) own?.Dispose();
Console.Write(summary);
return summary.Count(Verdict.Diverged) > 0 ? 1 : summary.Aborted is null && summary.Count(Verdict.Agreed) == summary.Cases ? 0 : 3;
