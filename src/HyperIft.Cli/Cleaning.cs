using System.Globalization;
using HyperIft.Abstractions;
using HyperIft.Cli.Commands;
using HyperIft.Data;
using HyperIft.Numerics.Cleaning;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Optimization;

namespace HyperIft.Cli;

/// <summary>
/// What <c>clean</c> adds to a tuning run of example weights: before the first step, every row's
/// influence and the metrics with all weights 1 (one hypergradient at λ = 0 on the run's own
/// coordinator, whose θ* then warm-starts the first step); after the last, weights.csv, the
/// suspects and, against a truth file, precision, recall and AUC.
/// </summary>
public sealed class Cleaning(double suspectBelow, string? truthFile, SolverSettings solver, TextWriter log) : ITuneExtension
{
    /// <summary>How many of the lightest rows the summary lists.</summary>
    private const int Shown = 10;

    private IReadOnlySet<int>? _truth;
    private double[] _labels = [];
    private double[] _influence = [];
    private double _initialValidationLoss;
    private TestJson? _initialTest;

    public async Task BeforeStart(ClusterConnection cluster, string runId, ProblemInfo info, TestSet? test, CancellationToken ct)
    {
        if (truthFile is not null) _truth = TruthFile.Read(truthFile, info.TrainRows);
        var coordinator = cluster.Grains.GetGrain<ICoordinatorGrain>(runId);
        var (reply, influence, seconds) = await HypergradCommand.At(coordinator, new double[info.HyperCount], solver, ct);
        _influence = influence;
        _labels = await VectorTransfer.Fetch(coordinator, await coordinator.TrainLabels());
        _initialValidationLoss = reply.ValidationLoss;
        if (test is not null) _initialTest = TestJson.Of(test.Source, test.Evaluate(await VectorTransfer.Fetch(coordinator, reply.Theta)));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"influence of every row at λ = 0: {seconds:F1} s; validation loss with every weight 1: {reply.ValidationLoss:R}"));
    }

    public void WriteFiles(RunReport report)
    {
        using var file = new StreamWriter(Path.Combine(report.Output, "weights.csv"));
        RowTables.WriteWeights(file, _labels, Weights(report), _influence);
    }

    public ResultJson Extend(ResultJson result, RunReport report)
    {
        var weights = Weights(report);
        var detection = _truth is null ? null : Detection.Of(weights, _truth, suspectBelow);
        return result with
        {
            Suspects = Detection.CountSuspects(weights, suspectBelow),
            SuspectBelow = suspectBelow,
            Precision = detection?.Precision,
            Recall = detection?.Recall,
            Auc = detection?.Auc,
            InitialValidationLoss = _initialValidationLoss,
            InitialTest = _initialTest,
        };
    }

    public void WriteSummary(TextWriter stdout, RunReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var weights = Weights(report);
        int suspects = Detection.CountSuspects(weights, suspectBelow);
        stdout.WriteLine(string.Create(inv, $"distrusted: {suspects} of {weights.Length} rows ({100.0 * suspects / weights.Length:F1} %) weigh less than {suspectBelow:R}"));
        stdout.WriteLine("lightest rows:");
        foreach (int i in RowTables.LightestFirst(weights).Take(Shown))
            stdout.WriteLine(string.Create(inv, $"  row {i,8}  label {_labels[i],4:R}  weight {weights[i],-9:G3}  influence {_influence[i]:E3}"));
        stdout.WriteLine(string.Create(inv, $"validation loss with every weight 1: {_initialValidationLoss:R}"));
        if (_initialTest is { } t)
            stdout.WriteLine(string.Create(inv, $"test with every weight 1: loss {t.Loss:F6}{(t.Accuracy is { } a ? $", accuracy {a:P2}" : "")}"));
        if (_truth is not null)
        {
            var d = Detection.Of(weights, _truth, suspectBelow);
            stdout.WriteLine(string.Create(inv, $"against {truthFile} ({_truth.Count} corrupted rows): precision {d.Precision:F4}, recall {d.Recall:F4}, AUC {d.Auc:F4}"));
        }
    }

    private static double[] Weights(RunReport report) => report.Lambda.Select(ExampleWeights.RowWeight).ToArray();
}
