using System.Globalization;
using System.Text;
using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Grains;
using HyperIft.Numerics;
using HyperIft.Numerics.Hyperparameters;

namespace HyperIft.Cli;

/// <summary>
/// The files of a tuning run whose λ is data (SPEC §8): <c>distilled.csv</c> and, for square images,
/// <c>distilled.png</c> (one row of images per class) for distill; <c>augmented.png</c> (a few training
/// rows beside their copies, built with the final λ and the run's own noise) for augment.
/// </summary>
public sealed class LearnedData(ProblemSpec problem) : ITuneExtension
{
    /// <summary>Training rows drawn beside their copies in augmented.png.</summary>
    private const int Shown = 8;

    private ProblemInfo? _info;
    private DataBlock? _shownRows;
    private Augment? _augment;

    /// <summary>The extension of a run of <paramref name="problem"/>, or null when its λ is not data.</summary>
    public static LearnedData? For(ProblemSpec problem) =>
        problem.Hyper is Distill.KindName or Augment.KindName ? new LearnedData(problem) : null;

    public async Task BeforeStart(ClusterConnection cluster, string runId, ProblemInfo info, TestSet? test, CancellationToken ct)
    {
        _info = info;
        if (problem.Hyper != Augment.KindName || !ImageGrid.IsSquare(info.Features, out _)) return;
        // The first rows, as the shards see them (standardized with the run's fit if asked).
        var rows = problem.Train.Load(new RowWindow(0, Math.Min(Shown, info.TrainRows)));
        if (await cluster.Grains.GetGrain<ICoordinatorGrain>(runId).Standardization() is { } s)
            rows = new Standardizer(s.Mean.ToArray(), s.Scale.ToArray()).Apply(rows);
        if (rows.IsSparse) rows = rows.ToDense();
        var model = ProblemBuilder.Create(new ModelSpec(problem.Model, info.Features, info.Classes, problem.Intercept, problem.Hidden, problem.Activation));
        _augment = (Augment)ProblemBuilder.Inputs(ProblemBuilder.ShardInputs(problem)!, model);
        _shownRows = rows.Block;
    }

    public void WriteFiles(RunReport report)
    {
        var info = _info ?? throw new InvalidOperationException("LearnedData.BeforeStart was not called");
        if (problem.Hyper == Distill.KindName)
        {
            WriteDistilled(report.Output, report.Lambda, info);
            return;
        }
        if (_augment is null || _shownRows is not { } rows || !ImageGrid.IsSquare(info.Features, out int side)) return;
        var built = _augment.Build(rows, 0, report.Lambda).Rows;
        int p = info.Features, n = rows.Rows;
        var grid = Enumerable.Range(0, n).Select(i => (IReadOnlyList<double[]?>)Enumerable.Range(0, 1 + _augment.Copies)
            .Select(r => built.X.Span.Slice((r * n + i) * p, p).ToArray()).ToArray()).ToArray();
        ImageGrid.Write(Path.Combine(report.Output, "augmented.png"), grid, side);
    }

    /// <summary>distilled.csv: the label, then the p inputs, a synthetic row a line (class-major, as λ).</summary>
    private void WriteDistilled(string output, double[] lambda, ProblemInfo info)
    {
        int p = info.Features, perClass = problem.DistillPerClass;
        using (var csv = new StreamWriter(Path.Combine(output, "distilled.csv")))
        {
            csv.WriteLine("label," + string.Join(",", Enumerable.Range(0, p).Select(f => $"x{f}")));
            var line = new StringBuilder();
            for (int r = 0; r < lambda.Length / p; r++)
            {
                line.Clear().Append(r / perClass);
                for (int f = 0; f < p; f++) line.Append(',').Append(lambda[r * p + f].ToString("R", CultureInfo.InvariantCulture));
                csv.WriteLine(line);
            }
        }
        if (!ImageGrid.IsSquare(p, out int side)) return;
        var grid = Enumerable.Range(0, info.Classes).Select(c => (IReadOnlyList<double[]?>)Enumerable.Range(0, perClass)
            .Select(k => lambda.AsSpan((c * perClass + k) * p, p).ToArray()).ToArray()).ToArray();
        ImageGrid.Write(Path.Combine(output, "distilled.png"), grid, side);
    }

    public ResultJson Extend(ResultJson result, RunReport report) => result;

    public void WriteSummary(TextWriter stdout, RunReport report)
    {
        foreach (var file in new[] { "distilled.csv", "distilled.png", "augmented.png" })
            if (File.Exists(Path.Combine(report.Output, file))) stdout.WriteLine($"{file}: {Path.GetFullPath(Path.Combine(report.Output, file))}");
    }

    public string Detached(string runId, string clusterOption) =>
        $"the learned rows' files (distilled.csv, distilled.png, augmented.png) are written by the client that follows the run; " +
        $"'hyperift runs show {runId} --lambda-out FILE{clusterOption}' fetches λ, the rows themselves";
}
