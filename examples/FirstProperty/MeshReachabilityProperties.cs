using FsCheck;
using FsCheck.Xunit;
using MeshSim.Control.Simulation;
using MeshSim.Testing;
using Xunit;

namespace FirstProperty;

/// <summary>
/// A user's first properties over generated meshes (docs/first-property.md walks through them).
/// MeshGenerators supplies meshes of 1-8 switches and 1-6 services and shrinks a failing one.
/// </summary>
[Properties(Arbitrary = [typeof(MeshGenerators)], MaxTest = 20)]
public class MeshReachabilityProperties
{
    /// <summary>Holds: the compiled mesh connects exactly the pairs its intentions allow.</summary>
    [Property]
    public Property Allowed_pairs_connect_and_denied_pairs_never_do(MeshCase mesh) =>
        MeshProperties.AllowedPairsConnectAndDeniedPairsNeverDo(mesh, SwitchKind.Ovs);

    /// <summary>
    /// Fails on purpose: it forgets that intentions deny pairs. FsCheck shrinks the mesh to a small
    /// one with a deny, and the label is a scenario that `meshsim run` fails the same way.
    /// </summary>
    [Property]
    [Trait("Category", "ExpectedToFail")]
    public Property Every_pair_connects(MeshCase mesh) =>
        MeshProperties.PairsBehaveAs(mesh, pair => pair.HasHealthyUpstream);
}
