using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MeshSim.Cli.Usage;

/// <summary>A usage error found in a parsed command line: the command it concerns ("meshsim run") and
/// what is wrong, in one line of plain words.</summary>
public sealed record CommandLineProblem(string CommandPath, string Message)
{
    /// <summary>The line printed for it: the message and where to read more.</summary>
    public override string ToString() => UsageLine.Format(CommandPath, Message);

    /// <summary>The first usage error in <paramref name="parse"/>, or null when the command line is fine.
    /// Checked in the order a person fixes them: the command word, then option names, then values,
    /// then stray and missing words.</summary>
    public static CommandLineProblem? Find(ParseResult parse, IReadOnlyList<string> args)
    {
        var result = parse.CommandResult;
        var command = result.Command;
        var path = UsageLine.PathOf(result);
        var literal = Literal(args);
        var stray = parse.UnmatchedTokens.ToList();
        var bound = result.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens.Select(t => t.Value)).ToList();

        if (UnknownCommand(command, stray, bound) is { } unknownCommand) return new(path, unknownCommand);
        foreach (var word in stray.Concat(bound))
            if (LooksLikeOption(word) && !literal.Contains(word)) return new(path, UnknownOption(result, word));

        bool helpAsked = parse.Tokens.Any(t => t.Type == TokenType.Option && t.Value is "--help" or "-h" or "-?");
        if (helpAsked) return null;

        if (WrongValue(result) is { } wrong) return new(path, wrong);
        if (stray.Count > 0) return new(path, $"unexpected argument '{stray[0]}'");
        if (parse.Errors.Count == 0) return null;
        if (command.Subcommands.Count > 0 && command.Action is null)
            return new(path, $"missing command (one of: {string.Join(", ", Visible(command.Subcommands).Select(c => c.Name))})");
        if (Missing(result) is { } missing) return new(path, missing);
        // Anything System.CommandLine rejects that is not named above: its own words, on one line.
        return new(path, parse.Errors[0].Message.ReplaceLineEndings(" ").TrimEnd('.'));
    }

    /// <summary>Arguments after "--" are taken literally, even when they start with a dash.</summary>
    private static HashSet<string> Literal(IReadOnlyList<string> args)
    {
        int dd = -1;
        for (int i = 0; i < args.Count && dd < 0; i++) if (args[i] == "--") dd = i;
        return dd < 0 ? [] : args.Skip(dd + 1).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A command that only groups subcommands gets a word that names none of them (for
    /// <c>lab</c>, which also takes a scenario file, only when the word is no file but near a subcommand).</summary>
    private static string? UnknownCommand(Command command, List<string> stray, List<string> bound)
    {
        if (command.Subcommands.Count == 0) return null;
        var names = Visible(command.Subcommands).SelectMany(c => c.Aliases.Prepend(c.Name)).ToList();
        string? word = null;
        if (command.Arguments.Count == 0) word = stray.FirstOrDefault(w => !LooksLikeOption(w));
        else if (bound.FirstOrDefault() is { } first && !File.Exists(first) && !Directory.Exists(first) && Suggestions.Closest(first, names) is not null) word = first;
        if (word is null) return null;
        return $"unknown command '{word}'{Hint(word, names)}";
    }

    private static string UnknownOption(CommandResult result, string word)
    {
        var name = word.Split('=', ':')[0];
        // Only long names are offered: one-letter aliases are too short for a distance to mean anything.
        var names = OptionsOf(result).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).ToList();
        return $"unknown option '{name}'" + (name.StartsWith("--", StringComparison.Ordinal) ? Hint(name, names) : "");
    }

    /// <summary>A value that does not convert ("--seed abc"), or an option given without its value.</summary>
    private static string? WrongValue(CommandResult result)
    {
        for (var r = result; r is not null; r = r.Parent as CommandResult)
            foreach (var o in r.Children.OfType<OptionResult>().Where(o => !o.Implicit))
            {
                foreach (var t in o.Tokens)
                    if (ValueWords.Problem(o.Option.ValueType, t.Value) is { } expected) return $"{o.Option.Name}: expected {expected}, got '{t.Value}'";
                if (o.Tokens.Count == 0 && o.Option.Arity.MinimumNumberOfValues > 0 && o.IdentifierTokenCount > 0)
                    return $"{o.Option.Name}: missing its value" + (ValueWords.Describe(o.Option.ValueType) is var what && what != "a value" ? $" ({what})" : "");
            }
        foreach (var a in result.Children.OfType<ArgumentResult>())
            foreach (var t in a.Tokens)
                if (ValueWords.Problem(a.Argument.ValueType, t.Value) is { } expected) return $"<{a.Argument.Name}>: expected {expected}, got '{t.Value}'";
        return null;
    }

    /// <summary>Required arguments and options that were not given, all named in one line.</summary>
    private static string? Missing(CommandResult result)
    {
        var given = result.Children.ToList();
        var args = result.Command.Arguments
            .Where(a => a.Arity.MinimumNumberOfValues > 0 && !given.OfType<ArgumentResult>().Any(r => r.Argument == a && r.Tokens.Count > 0))
            .Select(a => $"<{a.Name}>").ToList();
        // A required option that was not typed may still have a result (with no identifier token).
        var options = result.Command.Options
            .Where(o => o.Required && !given.OfType<OptionResult>().Any(r => r.Option == o && r.IdentifierTokenCount > 0))
            .Select(o => o.Name).ToList();
        if (args.Count + options.Count == 0) return null;
        var parts = new List<string>();
        if (args.Count > 0) parts.Add($"argument{(args.Count > 1 ? "s" : "")} {string.Join(" ", args)}");
        if (options.Count > 0) parts.Add($"option{(options.Count > 1 ? "s" : "")} {string.Join(", ", options)}");
        return "missing required " + string.Join(" and ", parts);
    }

    /// <summary>The options <paramref name="result"/>'s command accepts: its own and its ancestors' recursive ones.</summary>
    private static IEnumerable<Option> OptionsOf(CommandResult result)
    {
        foreach (var o in result.Command.Options) if (!o.Hidden) yield return o;
        for (var p = result.Parent as CommandResult; p is not null; p = p.Parent as CommandResult)
            foreach (var o in p.Command.Options) if (o.Recursive && !o.Hidden) yield return o;
    }

    private static IEnumerable<Command> Visible(IEnumerable<Command> commands) => commands.Where(c => !c.Hidden);

    /// <summary>A dash word that is not a negative number and not a lone "-" (stdin, by convention).</summary>
    private static bool LooksLikeOption(string word) =>
        word.Length > 1 && word[0] == '-' && !double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string Hint(string word, IEnumerable<string> names) =>
        Suggestions.Closest(word, names) is { } best ? $" (did you mean '{best}'?)" : "";
}
