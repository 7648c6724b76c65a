using Xunit.Abstractions;

namespace MeshSim.Stack.Tests.Sockets;

/// <summary>Cases the delivery property once found, kept as plain regression tests.</summary>
public class TcpDeliveryRegressionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(845094664UL, 2, 9, new[] { 5358, 6425, 15547, 4025 })]
    public void Found_by_property(ulong seed, int loss, int dup, int[] writes) =>
        Assert.True(TcpDeliveryProperties.Run(new(seed, loss, dup, writes), output.WriteLine));
}
