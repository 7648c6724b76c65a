namespace MeshSim.Ovs.Tests.Syntax;

/// <summary>Rejections name the column (1-based) and say what was expected, in OVS's words.</summary>
public class ParseErrorTests
{
    [Theory]
    [InlineData("ip,nw_src=10.0.0.1", 19, "must specify an action")]
    [InlineData("foo=1,actions=drop", 1, "unknown keyword foo")]
    [InlineData("ip,nw_src=1.1.1,actions=drop", 11, "1.1.1: invalid IP address")]
    [InlineData("tcp,tp_dst=70000,actions=drop", 12, "70000: value too large for 2-byte field tcp_dst")]
    [InlineData("priority=70000,actions=drop", 10, "invalid priority \"70000\"")]
    [InlineData("ct_state=+trk+bogus,actions=drop", 10, "+bogus: unknown ct_state flag(s)")]
    [InlineData("ip,actions=output:foo", 19, "foo: output to unknown port")]
    [InlineData("ip,actions=bogus", 12, "unknown action bogus")]
    [InlineData("ip,actions=drop,output:1", 12, "\"drop\" must not be accompanied by any other action or instruction")]
    [InlineData("ip,actions=ct(commit,nat(src=10.0.0.5-10.0.0.1))", 30, "invalid nat range \"10.0.0.5-10.0.0.1\"")]
    [InlineData("ip,actions=ct(force)", 12, "\"force\" flag requires \"commit\" flag.")]
    [InlineData("actions=set_field:80->tcp_dst", 23, "actions are invalid with specified match (OFPBAC_MATCH_INCONSISTENT): set_field tcp_dst needs tcp in the match")]
    [InlineData("ip,ct_state=+trk,ct_nw_src=10.0.0.1,actions=drop", 18, "ct_nw_src requires ct_state to match a tracked, valid connection (e.g. +trk-inv or +est) (OFPBMC_BAD_PREREQ)")]
    [InlineData("table=3,actions=goto_table:2", 17, "goto_table:2 must go to a later table than 3 (OFPBIC_BAD_TABLE_ID)")]
    [InlineData("actions=load:16->NXM_NX_REG0[0..3]", 14, "16->NXM_NX_REG0[0..3]: value 0x10 does not fit into 4 bits")]
    public void Flow_errors_point_at_the_offending_text(string text, int column, string message)
    {
        var ex = Assert.Throws<OvsSyntaxException>(() => OvsParser.ParseFlow(text));
        Assert.Equal(message, ex.Error.Message);
        Assert.Equal(column, ex.Error.Column);
    }

    [Fact]
    public void File_errors_carry_line_and_column_of_the_original_text()
    {
        var result = OvsRuleFile.ParseFlows("# comment\n\n  ip,actions=drop\n  ip,nw_dst=1.2.3,actions=drop  # bad\n");
        var error = Assert.Single(result.Errors);
        Assert.Equal(4, error.Line);
        Assert.Equal(13, error.Column);
        Assert.Equal("flows.txt:4:13: 1.2.3: invalid IP address", error.ToString("flows.txt"));
        Assert.Single(result.Entries);
    }

    [Theory]
    [InlineData("type=all,bucket=output:1", "must specify a group_id")]
    [InlineData("group_id=1,type=indirect,bucket=output:1,bucket=output:2", "Indirect groups can have at most one bucket.")]
    [InlineData("group_id=1,type=ff,bucket=output:1", "fast failover bucket requires watch_port or watch_group")]
    [InlineData("group_id=1,type=all,bucket=weight=5,output:1", "Only select groups can have bucket weights.")]
    [InlineData("group_id=1,type=all,bucket=bucket_id=1,output:1,bucket=bucket_id=1,output:2", "duplicate bucket id 1 (OFPGMFC_BAD_BUCKET)")]
    public void Group_errors_use_OVS_wording(string text, string message)
    {
        var ex = Assert.Throws<OvsSyntaxException>(() => OvsParser.ParseGroup(text));
        Assert.Equal(message, ex.Error.Message);
        Assert.True(ex.Error.Column >= 1);
    }

    [Fact]
    public void Adding_the_same_match_twice_replaces_the_first_flow_but_hidden_packet_type_keeps_two()
    {
        var replaced = OvsRuleFile.ParseFlows("ip,actions=output:1\nip,actions=output:2\n");
        Assert.Equal("ip actions=output:2", Assert.Single(replaced.Entries).Entry.ToString());

        var kept = OvsRuleFile.ParseFlows("actions=drop\nnw_src=1.2.3.4,actions=drop\n");
        Assert.Equal(2, kept.Entries.Count);
        Assert.All(kept.Entries, e => Assert.Equal("actions=drop", e.Entry.ToString()));
    }

    [Fact]
    public void Flows_naming_missing_groups_are_reported_with_their_line()
    {
        var flows = OvsRuleFile.ParseFlows("ip,actions=group:5\n\nip,priority=3,actions=output:1,group:7\n");
        var errors = OvsRuleFile.CheckGroupReferences(flows.Entries, new HashSet<uint> { 5 });
        var e = Assert.Single(errors);
        Assert.Equal(3, e.Line);
        Assert.Contains("group:7", e.Message);
    }

    [Fact]
    public void OpenFlow10_vlan_normalisation_follows_the_flow_format_of_the_command()
    {
        // add-flow of a flow OpenFlow 1.0 can carry: CFI matched as 0 means "no VLAN header".
        Assert.Equal("vlan_tci=0x0000 actions=drop", OvsParser.ParseFlow("vlan_vid=11,actions=drop").ToString());
        // A register (or set_field to one, or write_metadata) needs NXM, which keeps the match as written.
        Assert.Equal("reg0=0x1,vlan_tci=0x000b/0x1fff actions=drop", OvsParser.ParseFlow("vlan_vid=11,reg0=1,actions=drop").ToString());
        Assert.Equal("vlan_tci=0x000b/0x1fff actions=load:0x1->NXM_NX_REG0[]", OvsParser.ParseFlow("vlan_vid=11,actions=set_field:1->reg0").ToString());
        // add-flows sends a whole file in one format: one NXM flow keeps every flow's match as written.
        var alone = OvsRuleFile.ParseFlows("vlan_tci=0x0009,actions=drop\nvlan_tci=0x0005,actions=output:1\n");
        Assert.Equal("vlan_tci=0x0000 actions=output:1", Assert.Single(alone.Entries).Entry.ToString());   // the two became one flow
        var mixed = OvsRuleFile.ParseFlows("vlan_tci=0x0009,actions=drop\npkt_mark=1,actions=drop\n");
        Assert.Equal("vlan_tci=0x0009 actions=drop", mixed.Entries[0].Entry.ToString());
    }

    [Theory]
    [InlineData("actions=push:reg0[0..7]x", 24, "trailing garbage following push or pop")]
    [InlineData("reg0[0..7]=0x105,actions=drop", 12, "does not fit into 8 bits")]
    [InlineData("ip,nw_proto[0..3]=1,actions=drop", 4, "nw_proto cannot be matched on some of its bits")]
    [InlineData("actions=output(port=local,max_len=5)", 35, "less than the minimum value 14")]
    [InlineData("actions=controller(userdata=123x456)", 31, "bad hex digit")]
    [InlineData("actions=clear_actions,output:1", 23, "apply_actions must appear before clear_actions")]
    [InlineData("actions=write_actions(goto_table:1)", 23, "goto_table instruction not allowed here")]
    [InlineData("actions=write_metadata:0x1,goto_table:2", 28, "goto_table after write_metadata")]
    [InlineData("udp,actions=load:1->tp_src[]", 21, "load tcp_src needs tcp")]
    [InlineData("ip,actions=ct(commit,nat(src=0.0.0.0:80))", 30, "OFPBAC_BAD_ARGUMENT")]
    public void New_syntax_errors_name_the_column_and_what_was_expected(string flow, int column, string message)
    {
        Assert.False(OvsParser.TryParseFlow(flow, out _, out var error));
        Assert.Equal(column, error!.Column);
        Assert.Contains(message, error.Message);
    }
}
