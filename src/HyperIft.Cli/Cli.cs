using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using HyperIft.Abstractions;
using HyperIft.Cli.Commands;
using HyperIft.Data;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Cli;

/// <summary>
/// Dispatches a command line and maps failures to exit codes: 0 done, 1 the computation failed,
/// 2 bad input or usage (one message, no stack trace), 3 the cluster cannot be reached, 130 interrupted.
/// </summary>
public static class Cli
{
    /// <summary>The command tree: every command with its options, arguments, help and action.</summary>
    public static readonly RootCommand Root = Build();

    /// <summary>Arguments are taken as written: no @response files (a run described by a file is --config).</summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    private static RootCommand Build()
    {
        var root = new RootCommand("tune many continuous hyperparameters by implicit differentiation")
        {
            TuneCommand.Command,
            HypergradCommand.Command,
            CleanCommand.Command,
            InfluenceCommand.Command,
            RunsCommands.Group(),
            new Command("data", "data sets: what a data file holds") { DataInspectCommand.Command },
            BenchCommand.Command,
        };
        root.Options.OfType<HelpOption>().Single().Action = new HelpText();
        return root;
    }

    public static async Task<int> Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        if (args is ["help", ..]) args = ["--help"];
        var parse = Root.Parse(args, Parsing);
        // Signals are Interruption's (130/143); failures are mapped to exit codes below, not by the parser.
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        var command = parse.CommandResult.Command;
        // --help (which wins over anything wrong), --version, [suggest] for shell completion: the parser's own actions.
        if (parse.Action is not (null or ParseErrorAction) && parse.Action != command.Action) return await parse.InvokeAsync(invocation, ct);
        if (command is not CliCommand)
        {
            if (parse.UnmatchedTokens is [var unknown, ..])
            {
                stderr.WriteLine($"hyperift: unknown command '{$"{NameOf(command)} {unknown}".Trim()}' (commands: {string.Join(", ", Leaves(Root).Select(c => NameOf(c)))}; see 'hyperift --help')");
                return 2;
            }
            HelpText.Write(stderr, command); // a group with no command: what it has
            return 2;
        }
        string name = NameOf(command);
        try
        {
            if (ConfigFile.Tokens(parse, name) is { Length: > 0 } fromFile) parse = Root.Parse([.. args, .. fromFile], Parsing);
            if (Problem(parse, name) is { } problem) throw new UsageException(problem);
            using var tracing = CliActivity.StartTracing();
            using var activity = CliActivity.Source.StartActivity($"hyperift {name}", System.Diagnostics.ActivityKind.Client);
            return await parse.InvokeAsync(invocation, ct);
        }
        catch (Exception e) when (e is UsageException or DataFormatException or ProblemInputException)
        {
            stderr.WriteLine($"hyperift {name}: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is SolverException or ComputationFailedException)
        {
            stderr.WriteLine($"hyperift {name}: the computation failed: {e.Message}");
            return 1;
        }
        catch (ClusterUnavailableException e)
        {
            stderr.WriteLine($"hyperift {name}: {e.Message}");
            return 3;
        }
        catch (Exception e) when (TransientFailures.IsTransient(e) && !ct.IsCancellationRequested)
        {
            stderr.WriteLine($"hyperift {name}: the cluster did not answer ({Redaction.Redact(e.GetBaseException().Message)}); try again when its silos are up");
            return 3;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            stderr.WriteLine($"hyperift {name}: interrupted");
            return 130;
        }
        catch (Exception e)
        {
            // A bug or an unforeseen failure: one line, and how to see more (the whole trace when asked, still redacted).
            stderr.WriteLine(Environment.GetEnvironmentVariable("HYPERIFT_LOG_LEVEL") is null
                ? $"hyperift {name}: internal error: {Redaction.Redact(e.GetBaseException().Message)} ({e.GetType().Name}; set HYPERIFT_LOG_LEVEL=Debug for details)"
                : $"hyperift {name}: internal error: {Redaction.Redact(e.ToString())}");
            return 1;
        }
    }

    /// <summary>The first thing wrong with a parsed command line, in one sentence; null if nothing is.</summary>
    private static string? Problem(ParseResult parse, string name)
    {
        string see = $"(see 'hyperift {name} --help')";
        if (parse.UnmatchedTokens is [var token, ..])
            return token.StartsWith('-') ? $"unknown option '{token.Split('=')[0]}' for '{name}' {see}"
                : FlagBefore(parse, token) is { } flag ? $"option '{flag.Name}' takes no value"
                : $"unexpected argument '{token}' for '{name}'";
        var command = parse.CommandResult.Command;
        foreach (var option in command.Options)
        {
            switch (parse.GetResult(option))
            {
                case { Implicit: false, Tokens.Count: 0 } when option.Arity.MinimumNumberOfValues > 0:
                    return $"option '{option.Name}' needs a value ({option.HelpName})";
                case { Implicit: false, Tokens.Count: > 1 }:
                    return $"option '{option.Name}' is given twice";
            }
        }
        if (command.Options.FirstOrDefault(o => o.Required && !parse.Given(o)) is { } missing) return $"'{name}' needs {missing.Name} {see}";
        foreach (var argument in command.Arguments)
            if (parse.GetResult(argument) is not { Tokens.Count: > 0 }) return $"'{name}' needs {argument.Name} {see}";
        return parse.Errors.FirstOrDefault()?.Message;
    }

    /// <summary>The flag an unmatched value follows (<c>--json=1</c>, <c>--json 1</c>), if it follows one.</summary>
    private static Option? FlagBefore(ParseResult parse, string value)
    {
        int at = parse.Tokens.ToList().FindIndex(t => t.Type == TokenType.Argument && t.Value == value);
        return at > 0 && parse.Tokens[at - 1] is { Type: TokenType.Option } before
            ? parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == before.Value && o.Arity.MaximumNumberOfValues == 0)
            : null;
    }

    /// <summary>A command's name below the root: <c>tune</c>, <c>runs show</c>; empty for the root.</summary>
    public static string NameOf(Command command) =>
        command.Parents.OfType<Command>().FirstOrDefault() is { } parent ? $"{NameOf(parent)} {command.Name}".TrimStart() : "";

    /// <summary>The commands that run something, below <paramref name="group"/>, in declaration order.</summary>
    private static IEnumerable<CliCommand> Leaves(Command group) =>
        group.Subcommands.SelectMany(c => c is CliCommand leaf ? [leaf] : Leaves(c));

    /// <summary>
    /// Help in the console's own layout: a group lists its commands, a command its arguments and
    /// options (placeholder, help, default) and an example.
    /// </summary>
    private sealed class HelpText : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            Write(parseResult.InvocationConfiguration.Output, parseResult.CommandResult.Command);
            return 0;
        }

        public static void Write(TextWriter output, Command command)
        {
            string name = NameOf(command);
            string full = $"hyperift {name}".TrimEnd();
            output.WriteLine($"{full} — {command.Description}");
            output.WriteLine();
            if (command is not CliCommand leaf)
            {
                output.WriteLine($"usage: {full} COMMAND [options]");
                output.WriteLine();
                output.WriteLine("commands:");
                foreach (var c in Leaves(command)) output.WriteLine($"  {NameOf(c),-13} {c.Description}");
                output.WriteLine();
                output.WriteLine($"'{full} COMMAND --help' lists a command's options, with an example.");
                if (command is RootCommand)
                {
                    output.WriteLine($"With no --cluster (or {ClusterConnection.EnvironmentVariable}), commands run on an embedded silo.");
                    output.WriteLine("Silos started with --cluster-id ID (--service-id S) are reached with HYPERIFT_CLUSTER_ID=ID (HYPERIFT_SERVICE_ID=S).");
                }
                return;
            }
            output.WriteLine($"usage: {full}{string.Concat(leaf.Arguments.Select(a => $" {a.Name}"))} [options]");
            output.WriteLine();
            if (leaf.Arguments.Count > 0)
            {
                output.WriteLine("arguments:");
                foreach (var a in leaf.Arguments) output.WriteLine($"  {a.Name,-26} {a.Description}");
                output.WriteLine();
            }
            output.WriteLine("options:");
            foreach (var o in leaf.Options)
            {
                bool isFlag = o.Arity.MaximumNumberOfValues == 0;
                string left = isFlag ? o.Name : $"{o.Name} {o.HelpName}";
                string dflt = !isFlag && o.DefaultText() is { } d ? $" [default: {d}]" : "";
                output.WriteLine($"  {left,-26} {o.Description}{dflt}");
            }
            output.WriteLine();
            output.WriteLine("example:");
            output.WriteLine($"  {leaf.Example}");
        }
    }
}

/// <summary>A command that runs something: its options and arguments, an example for its help, and its action.</summary>
public sealed class CliCommand : Command
{
    public CliCommand(string name, string summary, string example, IEnumerable<Option> options,
        Func<ParseResult, TextWriter, TextWriter, CancellationToken, Task<int>> run, Argument? argument = null)
        : base(name, summary)
    {
        Example = example;
        foreach (var option in options) Add(option);
        if (argument is not null) Add(argument);
        SetAction((parse, ct) => run(parse, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
    }

    public string Example { get; }
}
