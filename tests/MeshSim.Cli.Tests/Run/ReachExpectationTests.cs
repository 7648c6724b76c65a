using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Tests.Run;

/// <summary><c>reach</c> needs a whole exchange with the upstream; <c>connect</c> only the handshake.</summary>
public class ReachExpectationTests
{
    // The thesis lab with payments-api so slow that no answer comes within the probe's exchange timeout.
    private static ScenarioSpec SlowPayments()
    {
        var yaml = File.ReadAllText(Path.Combine(ThesisLabTests.Repo, "scenarios", "thesis-lab.yaml"));
        const string fast = "app: { kind: payments-api, service_time: 400us";
        Assert.Contains(fast, yaml);
        yaml = yaml.Replace(fast, "app: { kind: payments-api, service_time: 10s");
        int expect = yaml.IndexOf("\nexpect:", StringComparison.Ordinal);
        yaml = yaml[..expect] + "\nexpect:\n  - reach: public-api -> payments-api\n  - connect: public-api -> payments-api\n  - connect: product-api -> postgres\n  - reach: product-api -> postgres\n";
        return ScenarioLoader.Load(yaml, "slow-payments.yaml");
    }

    [Fact]
    public void A_handshake_without_a_response_is_connect_but_not_reach()
    {
        var report = ScenarioRun.Execute(SlowPayments());
        var byText = report.Verdicts.ToDictionary(v => v.Expectation);
        var reach = byText["reach: public-api -> payments-api"];
        Assert.False(reach.Held, reach.Observed);
        Assert.Contains("no HTTP response within 2s", reach.Observed);
        Assert.True(byText["connect: public-api -> payments-api"].Held);
        Assert.True(byText["connect: product-api -> postgres"].Held);
        var db = byText["reach: product-api -> postgres"];
        Assert.True(db.Held, db.Observed);
        Assert.Contains("query answer", db.Observed);                // postgres speaks its own framing, not HTTP
    }
}
