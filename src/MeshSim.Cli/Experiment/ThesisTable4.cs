namespace MeshSim.Cli.Experiment;

/// <summary>One measured row of the thesis' table 4, in milliseconds (AKS = Consul Connect sidecars, AZ-OVS = the switch mesh).</summary>
public sealed record ThesisRow(string Test, string Layout, int Concurrency,
    double SidecarAvg, double SwitchAvg, double SidecarMin, double SwitchMin, double SidecarMax, double SwitchMax);

/// <summary>The thesis' table 4 as printed (section 5.1), to set beside the simulated figures.</summary>
public static class ThesisTable4
{
    /// <summary>The twelve measured rows; the thesis ran the Frontend test on SN only.</summary>
    public static readonly IReadOnlyList<ThesisRow> Rows =
    [
        new("Frontend", "SN", 1, 6.919, 3.474, 4.817, 2.337, 38.708, 28.054),
        new("Frontend", "SN", 8, 40.456, 27.563, 10.135, 16.938, 149.973, 81.062),
        new("Frontend", "SN", 100, 403.651, 293.015, 48.443, 16.943, 1492.811, 351.75),
        new("Frontend", "SN", 200, 835.139, 486.481, 65.233, 28.284, 2403.406, 579.211),
        new("API", "SN", 1, 14.456, 3.441, 11.044, 2.853, 38.489, 24.785),
        new("API", "SN", 8, 77.152, 26.714, 36.121, 4.431, 131.647, 85.601),
        new("API", "SN", 100, 923.501, 359.112, 186.77, 4.833, 3004.885, 1371.172),
        new("API", "SN", 200, 1577.674, 676.223, 119.774, 4.719, 4380.881, 2698.787),
        new("API", "MN", 1, 35.049, 17.674, 25.337, 7.927, 54.079, 28.427),
        new("API", "MN", 8, 59.52, 24.732, 37.173, 11.727, 98.314, 59.183),
        new("API", "MN", 100, 610.395, 302.055, 61.393, 14.481, 1959.487, 1343.678),
        new("API", "MN", 200, 1140.155, 603.667, 92.237, 13.277, 4003.147, 2177.723),
    ];

    /// <summary>The measured row for a cell, or null where the thesis has none.</summary>
    public static ThesisRow? Find(string test, string layout, int concurrency) =>
        Rows.FirstOrDefault(r => r.Test == test && r.Layout == layout && r.Concurrency == concurrency);
}
