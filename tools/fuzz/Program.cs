using System.Globalization;
using MeshSim.Fuzz;

// meshsim-fuzz --target NAME|all [--seconds N] [--inputs N] [--seed S] [--out DIR]
// Runs each target for the budget, prints inputs/s and defects, writes each defect's minimised
// input to DIR/TARGET/. Exit code: 0 no defect, 1 defects found, 2 usage.
string target = "all", outDir = "fuzz-out";
double seconds = 10;
long inputs = long.MaxValue;
ulong seed = 1;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    try
    {
        switch (args[i])
        {
            case "--target": target = Next(); break;
            case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--inputs": inputs = long.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--seed": seed = ulong.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--out": outDir = Next(); break;
            case "--list":
                foreach (var t in FuzzTargets.All()) Console.WriteLine($"{t.Name,-14} {t.Description}");
                return 0;
            default:
                Console.Error.WriteLine("usage: meshsim-fuzz --target NAME|all [--seconds N] [--inputs N] [--seed S] [--out DIR] | --list");
                return 2;
        }
    }
    catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
    {
        Console.Error.WriteLine($"meshsim-fuzz: {args[i]}: {e.Message}");
        return 2;
    }
}

var targets = target == "all" ? FuzzTargets.All() : FuzzTargets.Named(target) is { } one ? [one] : [];
if (targets.Count == 0) { Console.Error.WriteLine($"meshsim-fuzz: unknown target '{target}' (--list shows them)"); return 2; }
var repo = RepoFiles.Locate(Environment.CurrentDirectory);
int defects = 0;
Console.WriteLine($"{"target",-14} {"inputs",12} {"seconds",8} {"inputs/s",10} {"corpus",7} {"outcomes",8} {"slow",5} {"defects",7}");
foreach (var t in targets)
{
    var r = Campaign.Run(t, repo, seed, TimeSpan.FromSeconds(seconds), inputs, Console.Error);
    Console.WriteLine($"{r.Target,-14} {r.Inputs,12} {r.Elapsed.TotalSeconds,8:0.0} {r.InputsPerSecond,10:0} {r.CorpusSize,7} {r.Outcomes,8} {r.SlowInputs,5} {r.Defects.Count,7}");
    foreach (var d in r.Defects)
    {
        defects++;
        var dir = Path.Combine(outDir, t.Name);
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(d.Input))[..12].ToLowerInvariant()}.bin");
        File.WriteAllBytes(file, d.Input);
        File.WriteAllText(file + ".txt", $"{d.Key}\n{d.Message}\n\n{d.StackTrace}\n");
        Console.WriteLine($"  DEFECT {d.Key}: {d.Message} -> {file}");
    }
}
return defects == 0 ? 0 : 1;
