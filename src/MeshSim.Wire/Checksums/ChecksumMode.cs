namespace MeshSim.Wire;

/// <summary>What a repr does with a checksum field. Frames from real interfaces often carry
/// wrong checksums because the NIC fills them later (offload), hence the choice.</summary>
public enum ChecksumMode : byte
{
    /// <summary>Parse rejects a wrong checksum; emit computes it.</summary>
    Verify,
    /// <summary>Parse does not look at the checksum; emit computes it (trust input, send correct output).</summary>
    Fill,
    /// <summary>Parse does not look at the checksum; emit writes zero (left to "hardware").</summary>
    Ignore,
}
