namespace MeshSim.Cli.Scenario;

/// <summary>Reads a scenario or topology file, refusing one beyond <see cref="ScenarioLimits.MaxFileBytes"/>
/// before a byte of it is read (a multi-gigabyte "scenario" would otherwise be read whole into memory).</summary>
internal static class ScenarioFile
{
    public static string ReadText(string path, ScenarioLimits limits)
    {
        var info = new FileInfo(path);
        if (info.Exists && info.Length > limits.MaxFileBytes)
            throw new ScenarioException(path, new Position(1, 1, ""), $"{info.Length} bytes is more than the limit of {limits.MaxFileBytes} bytes (file_size); {ScenarioLimits.HowToRaise("file_size")}");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException and not FileNotFoundException or UnauthorizedAccessException)
        {
            throw new ScenarioException(path, new Position(1, 1, ""), $"cannot read: {ex.Message}");
        }
    }
}
