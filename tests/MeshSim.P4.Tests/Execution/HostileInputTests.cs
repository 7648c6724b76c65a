using FsCheck;
using FsCheck.Xunit;
using MeshSim.P4.Execution;

namespace MeshSim.P4.Tests.Execution;

public class HostileInputTests
{
    /// <summary>Any bytes on any port: the switch never throws, and each output is no longer than header growth allows.</summary>
    [Property(MaxTest = 500)]
    public bool Processing_arbitrary_frames_never_throws(byte[] frame, byte port)
    {
        var h = new Harness(TestPrograms.Router(), "table_add ipv4_lpm route 0.0.0.0/0 => 00:00:00:00:00:01 2", "table_add acl forward 0&&&0 0&&&0 => 3 1");
        var outs = h.Send(frame, port);
        return outs.All(o => o.Frame.Length <= frame.Length + 38);
    }

    [Fact]
    public void Every_prefix_of_a_valid_frame_is_handled()
    {
        var h = new Harness(TestPrograms.Router(), "table_add ipv4_lpm forward 0.0.0.0/0 => 2");
        var frame = TestFrames.Ipv4(1, 2);
        for (int n = 0; n <= frame.Length; n++)
        {
            var outs = h.Send(frame[..n]);
            var (port, o) = Assert.Single(outs);
            Assert.Equal(n, o.Length);                       // nothing invented, nothing lost
            Assert.Equal(n < 38 ? 9 : 2, port);      // any short frame hits parser_error handling
        }
    }
}
