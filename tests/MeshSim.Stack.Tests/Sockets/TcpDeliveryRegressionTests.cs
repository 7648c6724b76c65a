using Xunit.Abstractions;

namespace MeshSim.Stack.Tests.Sockets;

/// <summary>Cases the delivery property once found, kept as plain regression tests.</summary>
public class TcpDeliveryRegressionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(845094664UL, 2, 9, new[] { 5358, 6425, 15547, 4025 })]
    public void Found_by_property(ulong seed, int loss, int dup, int[] writes) =>
        Assert.True(TcpDeliveryProperties.Run(new(seed, loss, dup, writes), output.WriteLine));

    /// <summary>35% loss each way: exponential backoff stretches the retransmission timeout to tens of
    /// seconds, so this case needs more than the property's 600 s budget, but it still completes.</summary>
    [Fact]
    public void Heavy_loss_completes_given_enough_time() =>
        Assert.True(TcpDeliveryProperties.Run(new(2045801645UL, 35, 4, [19129, 13618, 9201, 13293, 17688, 11139, 14653, 13489]), output.WriteLine, budgetSeconds: 7200));
}
