using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace MeshSim.Cli.Scenario;

/// <summary>
/// Turns scenario text into one YAML document, or a <see cref="ScenarioException"/> at a position.
/// Two passes: first YamlDotNet's event parser alone (iterative) checks the nesting depth against
/// <see cref="ScenarioLimits.MaxDepth"/>, counts documents and remembers where it was; only then is
/// the recursive representation model built, on input whose depth is known to be small. Without the
/// first pass a deeply nested file overflowed the stack (50,000 levels ended the process).
/// </summary>
internal static class YamlDocumentReader
{
    public static YamlNode ReadSingle(string yaml, string file, ScenarioLimits limits)
    {
        Mark at = Mark.Empty;
        int depth = 0, documents = 0;
        try
        {
            var parser = new Parser(new StringReader(yaml));
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                at = e.Start;
                switch (e)
                {
                    case MappingStart or SequenceStart when ++depth > limits.MaxDepth:
                        throw new ScenarioException(file, new Position((int)at.Line, (int)at.Column, ""),
                            $"nesting deeper than the limit of {limits.MaxDepth} levels (depth); {ScenarioLimits.HowToRaise("depth")}");
                    case MappingEnd or SequenceEnd: depth--; break;
                    case DocumentStart: documents++; break;
                }
            }
        }
        catch (YamlException ex)
        {
            throw NotYaml(file, ex.Start, ex.InnerException?.Message ?? ex.Message);
        }
        // YamlDotNet's scanner throws these for some malformed input instead of a YamlException
        // (InvalidOperationException from ScanPlainScalar, for one). They come from the library's
        // code only: nothing of MeshSim runs inside this loop.
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw NotYaml(file, at, ex.Message);
        }
        if (documents != 1)
            throw new ScenarioException(file, new Position(1, 1, ""), $"expected exactly one YAML document, found {documents}");

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw NotYaml(file, ex.Start, ex.InnerException?.Message ?? ex.Message);
        }
        // The representation model throws ArgumentException for some event sequences the parser
        // accepts (an unsupported event type); again library code only.
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw NotYaml(file, Mark.Empty, ex.Message);
        }
        return stream.Documents[0].RootNode;
    }

    private static ScenarioException NotYaml(string file, Mark at, string message) =>
        new(file, new Position(Math.Max(1, (int)at.Line), Math.Max(1, (int)at.Column), ""), $"not valid YAML: {message}");
}
