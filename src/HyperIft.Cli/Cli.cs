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
        new("hypergrad", HypergradCommand.Summary, HypergradCommand.Example, HypergradCommand.Options, HypergradCommand.Run),
        new("tune", TuneCommand.Summary, TuneCommand.Example, TuneCommand.Options, TuneCommand.Run),
        new("bench", BenchCommand.Summary, BenchCommand.Example, BenchCommand.Options, BenchCommand.Run),
    ];

    public static async Task<int> Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            WriteUsage(args.Length == 0 ? stderr : stdout);
            return args.Length == 0 ? 2 : 0;
        }
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            stderr.WriteLine($"hyperift: unknown command '{args[0]}' (commands: {string.Join(", ", Commands.Select(c => c.Name))}; see 'hyperift --help')");
            return 2;
        }
        if (args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            WriteHelp(stdout, command);
            return 0;
        }
        try
        {
            var parsed = ParsedArgs.Parse(command.Name, args[1..], command.Options);
            if (parsed.Positionals.Count > 0)
                throw new UsageException($"unexpected argument '{parsed.Positionals[0]}' for '{command.Name}'");
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
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            stderr.WriteLine($"hyperift {command.Name}: interrupted");
            return 130;
        }
    }

    private static void WriteUsage(TextWriter output)
    {
        output.WriteLine("hyperift — tune many continuous hyperparameters by implicit differentiation");
        output.WriteLine();
        output.WriteLine("usage: hyperift COMMAND [options]");
        output.WriteLine();
        output.WriteLine("commands:");
        foreach (var c in Commands) output.WriteLine($"  {c.Name,-11} {c.Summary}");
        output.WriteLine();
        output.WriteLine("'hyperift COMMAND --help' lists a command's options, with an example.");
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
