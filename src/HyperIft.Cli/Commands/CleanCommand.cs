using System.CommandLine;
using HyperIft.Data;

namespace HyperIft.Cli.Commands;

/// <summary>
/// <c>hyperift clean</c> (SPEC §9): a <c>tune</c> run of one weight per training row against a
/// trusted validation set, which pushes the weights of rows that hurt it (mislabeled rows) toward 0.
/// Writes weights.csv and reports the suspects; with --truth, how well they match the known
/// corrupted rows.
/// </summary>
public static class CleanCommand
{
    public const string Summary = "find mislabeled training rows: tune one weight per row against a trusted validation set";

    public const string Example =
        "hyperift clean --model softmax --train noisy.csv --val trusted.csv --steps 30 --outer-lr 1 --output results/clean";

    public static readonly Option<double> SuspectBelow = Declare.Between("--suspect-below", "W",
        "a row whose final weight c_i is below W is a suspect (weights are in (0, 2); 1 is unweighted)", 0.5, 0, 2);

    public static readonly Option<string> Truth = Declare.Text("--truth", "FILE",
        "the rows known to be corrupted, one 0-based row index per line: adds precision, recall and AUC");

    public static readonly CliCommand Command = new("clean", Summary, Example,
        [.. CommonOptions.RowWeightsData, .. CommonOptions.Solving, TuneCommand.Steps, TuneCommand.Optimizer, TuneCommand.OuterLr, TuneCommand.TolSchedule,
         TuneCommand.Output, TuneCommand.Overwrite, TuneCommand.RunId, TuneCommand.Test, SuspectBelow, Truth, ConfigFile.Option], Run);

    public static Task<int> Run(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var spec = ProblemOptions.RowWeightsSpec(args);
        string? truth = args.GetValue(Truth) is { } file ? Path.GetFullPath(file) : null;
        if (truth is not null) TruthFile.Read(truth); // a bad line is reported before any work; its range once n is known
        var cleaning = new Cleaning(args.GetValue(SuspectBelow), truth, DataSource.FirstRow(spec.Train.Source), CommonOptions.SolverSettings(args), stderr);
        return TuneCommand.Run("clean", args, spec, cleaning, stdout, stderr, ct);
    }
}
