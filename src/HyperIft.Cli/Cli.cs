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
    private sealed record Command(string Name, string Summary, string Example, OptionSpec[] Options,
        Func<ParsedArgs, TextWriter, TextWriter, CancellationToken, Task<int>> Run);

    private static readonly Command[] Commands =
    [
        new("tune", TuneCommand.Summary, TuneCommand.Example, TuneCommand.Options, TuneCommand.Run),
        new("hypergrad", HypergradCommand.Summary, HypergradCommand.Example, HypergradCommand.Options, HypergradCommand.Run),
        new("runs list", RunsCommands.ListSummary, "hyperift runs list --cluster 127.0.0.1:6390", RunsCommands.Options, RunsCommands.List),
        new("runs show", RunsCommands.ShowSummary, "hyperift runs show RUN-ID --lambda-out lambda.txt --cluster 127.0.0.1:6390", RunsCommands.ShowOptions, RunsCommands.Show),
        new("runs watch", RunsCommands.WatchSummary, "hyperift runs watch RUN-ID --cluster 127.0.0.1:6390", RunsCommands.Options, RunsCommands.Watch),
        new("runs pause", RunsCommands.PauseSummary, "hyperift runs pause RUN-ID --cluster 127.0.0.1:6390", RunsCommands.Options, RunsCommands.Pause),
        new("runs resume", RunsCommands.ResumeSummary, "hyperift runs resume RUN-ID --cluster 127.0.0.1:6390", RunsCommands.Options, RunsCommands.Resume),
        new("runs cancel", RunsCommands.CancelSummary, "hyperift runs cancel RUN-ID --cluster 127.0.0.1:6390", RunsCommands.Options, RunsCommands.Cancel),
        new("data inspect", DataInspectCommand.Summary, DataInspectCommand.Example, DataInspectCommand.Options, DataInspectCommand.Run),
        new("bench", BenchCommand.Summary, BenchCommand.Example, BenchCommand.Options, BenchCommand.Run),
    ];

    /// <summary>Commands that take their positional arguments themselves (run ids, a data source).</summary>
    private static readonly HashSet<string> TakesPositionals = ["runs show", "runs watch", "runs pause", "runs resume", "runs cancel", "data inspect"];

    public static async Task<int> Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            WriteUsage(args.Length == 0 ? stderr : stdout);
            return args.Length == 0 ? 2 : 0;
        }
        var command = args.Length > 1 ? Commands.FirstOrDefault(c => c.Name == $"{args[0]} {args[1]}") : null;
        command ??= Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            bool isGroup = args.Length > 1 && Commands.Any(c => c.Name.StartsWith(args[0] + " ", StringComparison.Ordinal));
            string name = isGroup ? $"{args[0]} {args[1]}" : args[0];
            stderr.WriteLine($"hyperift: unknown command '{name}' (commands: {string.Join(", ", Commands.Select(c => c.Name))}; see 'hyperift --help')");
            return 2;
        }
        var rest = args[command.Name.Split(' ').Length..];
        if (rest.Any(a => a is "--help" or "-h"))
        {
            WriteHelp(stdout, command);
            return 0;
        }
        try
        {
            if (command.Options.Any(o => o.Name == ConfigFile.Option.Name)) rest = ConfigFile.Expand(command.Name, rest, command.Options);
            var parsed = ParsedArgs.Parse(command.Name, rest, command.Options);
            if (parsed.Positionals.Count > 0 && !TakesPositionals.Contains(command.Name))
                throw new UsageException($"unexpected argument '{parsed.Positionals[0]}' for '{command.Name}'");
            using var tracing = CliActivity.StartTracing();
            using var activity = CliActivity.Source.StartActivity($"hyperift {command.Name}", System.Diagnostics.ActivityKind.Client);
            return await command.Run(parsed, stdout, stderr, ct);
        }
        catch (Exception e) when (e is UsageException or DataFormatException or ProblemInputException)
        {
            stderr.WriteLine($"hyperift {command.Name}: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is SolverException or ComputationFailedException)
        {
            stderr.WriteLine($"hyperift {command.Name}: the computation failed: {e.Message}");
            return 1;
        }
        catch (ClusterUnavailableException e)
        {
            stderr.WriteLine($"hyperift {command.Name}: {e.Message}");
            return 3;
        }
        catch (Exception e) when (TransientFailures.IsTransient(e) && !ct.IsCancellationRequested)
        {
            stderr.WriteLine($"hyperift {command.Name}: the cluster did not answer ({Redaction.Redact(e.GetBaseException().Message)}); try again when its silos are up");
            return 3;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            stderr.WriteLine($"hyperift {command.Name}: interrupted");
            return 130;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("HYPERIFT_LOG_LEVEL") is null)
        {
            // A bug or an unforeseen failure: one line, and how to see more.
            stderr.WriteLine($"hyperift {command.Name}: internal error: {Redaction.Redact(e.GetBaseException().Message)} ({e.GetType().Name}; set HYPERIFT_LOG_LEVEL=Debug for details)");
            return 1;
        }
    }

    private static void WriteUsage(TextWriter output)
    {
        output.WriteLine("hyperift — tune many continuous hyperparameters by implicit differentiation");
        output.WriteLine();
        output.WriteLine("usage: hyperift COMMAND [options]");
        output.WriteLine();
        output.WriteLine("commands:");
        foreach (var c in Commands) output.WriteLine($"  {c.Name,-13} {c.Summary}");
        output.WriteLine();
        output.WriteLine("'hyperift COMMAND --help' lists a command's options, with an example.");
        output.WriteLine($"With no --cluster (or {ClusterConnection.EnvironmentVariable}), commands run on an embedded silo.");
    }

    private static void WriteHelp(TextWriter output, Command command)
    {
        output.WriteLine($"hyperift {command.Name} — {command.Summary}");
        output.WriteLine();
        output.WriteLine("options:");
        foreach (var o in command.Options)
        {
            string left = o.IsFlag ? $"--{o.Name}" : $"--{o.Name} {o.ValueName}";
            string dflt = o.Default is null ? "" : $" [default: {o.Default}]";
            output.WriteLine($"  {left,-26} {o.Help}{dflt}");
        }
        output.WriteLine();
        output.WriteLine("example:");
        output.WriteLine($"  {command.Example}");
    }
}
