using System.Globalization;
using HyperIft.Abstractions;
using HyperIft.Cli.Commands;
using HyperIft.Data;
using HyperIft.Numerics.Cleaning;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Optimization;

namespace HyperIft.Cli;

/// <summary>
/// What <c>clean</c> adds to a tuning run of example weights: before the first step, every row's
/// influence and the metrics with all weights 1 (one hypergradient at λ = 0 on the run's own
/// coordinator, whose θ* then warm-starts the first step); after the last, weights.csv, the
/// suspects and, against a truth file, precision, recall and AUC. Rows are numbered as in the
/// training file (<paramref name="firstRow"/>: the start of its [start:end] range).
/// </summary>
public sealed class Cleaning(double suspectBelow, string? truthFile, int firstRow, SolverSettings solver, TextWriter log) : ITuneExtension
{
    /// <summary>How many of the lightest rows the summary lists.</summary>
    private const int Shown = 10;

    private IReadOnlySet<int>? _corrupted; // indices into the training set, not file rows
    private double[] _labels = [];
    private double[] _influence = [];
    private double _initialValidationLoss;
    private TestJson? _initialTest;
    private double[]? _weights; // of the finished run, asked for by the files, the JSON and the summary

    public async Task BeforeStart(ClusterConnection cluster, string runId, ProblemInfo info, TestSet? test, CancellationToken ct)
    {
        if (truthFile is not null)
            _corrupted = TruthFile.Read(truthFile, info.TrainRows, firstRow).Select(row => row - firstRow).ToHashSet();
        var coordinator = cluster.Grains.GetGrain<ICoordinatorGrain>(runId);
        var (reply, influence, seconds) = await HypergradCommand.At(coordinator, new double[info.HyperCount], solver, cluster.GatewayLost, ct);
        foreach (var warning in HypergradientReport.Warnings(reply)) log.WriteLine($"influence: {warning}");
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
        RowTables.WriteWeights(file, firstRow, _labels, Weights(report), _influence);
    }

    public ResultJson Extend(ResultJson result, RunReport report)
    {
        var weights = Weights(report);
        var detection = _corrupted is null ? null : Detection.Of(weights, _corrupted, suspectBelow);
        return result with
        {
            Suspects = Detection.CountSuspects(weights, suspectBelow),
            SuspectBelow = suspectBelow,
            Precision = Defined(detection?.Precision),
            Recall = Defined(detection?.Recall),
            Auc = Defined(detection?.Auc),
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
            stdout.WriteLine(string.Create(inv, $"  row {firstRow + i,8}  label {_labels[i],4:R}  weight {weights[i],-9:G3}  influence {_influence[i]:E3}"));
        stdout.WriteLine(string.Create(inv, $"validation loss with every weight 1: {_initialValidationLoss:R}"));
        if (_initialTest is { } t)
            stdout.WriteLine(string.Create(inv, $"test with every weight 1: loss {t.Loss:F6}{(t.Accuracy is { } a ? $", accuracy {a:P2}" : "")}"));
        if (_corrupted is not null)
        {
            var d = Detection.Of(weights, _corrupted, suspectBelow);
            stdout.WriteLine(string.Create(inv,
                $"against {truthFile} ({_corrupted.Count} corrupted rows): precision {Text(d.Precision)}, recall {Text(d.Recall)}, AUC {Text(d.Auc)}"));
        }
    }

    /// <summary>What a client that stops following the run loses, and how to get the weights back.</summary>
    public string Detached(string runId, string clusterOption) =>
        $"clean's weights.csv and scores are written only by a client that follows the run to its end; the run goes on: " +
        $"'hyperift runs show {runId} --lambda-out FILE{clusterOption}' gives its λ (weights c = 2σ(λ)), and 'hyperift influence' the influence";

    private double[] Weights(RunReport report) => _weights ??= report.Lambda.Select(ExampleWeights.RowWeight).ToArray();

    /// <summary>A precision with no suspects (or an AUC with one class empty) is undefined: left out, not "NaN".</summary>
    private static double? Defined(double? x) => x is { } v && double.IsFinite(v) ? v : null;

    private static string Text(double x) => double.IsFinite(x) ? x.ToString("F4", CultureInfo.InvariantCulture) : "undefined";
}
