using System.Text;
using MeshSim.P4.Loading;
using MeshSim.P4.Model;
using MeshSim.P4.Runtime;

namespace MeshSim.Fuzz.Targets;

/// <summary>simple_switch_CLI command files run against the repository's P4 programs (basic.json for
/// three inputs in four, mesh.json for the rest); every command fails with bmv2's message, never an exception.
/// Each input gets freshly loaded programs, so an outcome does not depend on earlier inputs.</summary>
public sealed class RuntimeTarget : FuzzTarget
{
    private byte[][]? _programs;

    /// <inheritdoc/>
    public override string Name => "runtime";
    /// <inheritdoc/>
    public override string Description => "simple_switch_CLI runtime commands (P4)";

    /// <inheritdoc/>
    public override IEnumerable<byte[]> Seeds(RepoFiles repo)
    {
        _programs = [File.ReadAllBytes(Path.Combine(repo.Root, "scenarios", "p4-tutorial-basic", "build", "basic.json")), File.ReadAllBytes(Path.Combine(repo.Root, "p4", "mesh.json"))];
        return [];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Dictionary =>
    [
        "table_add ", "table_set_default ", "table_modify ", "table_delete ", "table_dump ", "table_dump_entry_from_key ", "table_indirect_add ", "act_prof_create_member ",
        "act_prof_create_group ", "act_prof_add_member_to_group ", "register_write ", "register_read ", "counter_read ", "meter_set_rates ", "meter_get_rates ",
        "mc_mgrp_create ", "mc_node_create ", "mc_node_associate ", "mc_node_update ", "mirroring_add ", "MyIngress.ipv4_lpm ", "MeshIngress.l7 ", "MeshIngress.vip ",
        "MyIngress.ipv4_forward ", "set_subset ", " => ", "&&&", "->", "/", "0x", "-1", "10.0.0.0/33", "ff:ff:ff:ff:ff:ff", "99999999999999999999999999999999", "\n", " ", "\t",
    ];

    /// <inheritdoc/>
    public override string Run(byte[] input)
    {
        var programs = _programs ?? throw new InvalidOperationException("Seeds() loads the programs");
        P4Program program = P4Loader.Load(programs[(input.Length & 3) == 0 ? 1 : 0]).Program!;
        var (_, failures) = new RuntimeCli(program).RunScript(Encoding.UTF8.GetString(input));
        return failures.Count == 0 ? "ok" : Outcome(failures[0].Message.Split('\n')[^1]);
    }
}
