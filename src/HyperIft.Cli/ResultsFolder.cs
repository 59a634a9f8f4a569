using HyperIft.Numerics.Optimization;
using System.Globalization;
using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Numerics;
using HyperIft.Numerics.Models;

namespace HyperIft.Cli;

/// <summary>Everything a finished (or failed) run reports.</summary>
public sealed record RunReport(
    RunSnapshot Run, double[] Lambda, FinalEvaluation? Final, (string Source, EvaluationMetrics Metrics)? Test,
    RunSpec Spec, double Seconds, string Output);

/// <summary>
/// A run's results folder: result.json (the SPEC §5 fields at the final λ, plus λ, steps, best
/// step, settings), history.csv, lambda.txt (loadable by --lambda-file), theta.txt (θ* at the final λ,
/// loadable by --init), and PNG plots.
/// </summary>
public static class ResultsFolder
{
    /// <summary>The files a results folder holds; a folder with result.json in it is one of ours.</summary>
    public static readonly string[] Files = ["result.json", "history.csv", "lambda.txt", "theta.txt", "validation_loss.png", "lambda.png"];

    /// <summary>Refuses, before any work, a file that could not be written at the end (no folder, a folder in its place, no permission).</summary>
    public static void CheckWritable(string file, string option)
    {
        string full = Path.GetFullPath(file);
        if (Directory.Exists(full)) throw new UsageException($"{option} {file} is a folder, not a file");
        string? folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder)) throw new UsageException($"{option} {file}: the folder {folder} does not exist");
        bool existed = File.Exists(full);
        try
        {
            using (new FileStream(full, FileMode.Append, FileAccess.Write)) { }
            if (!existed) File.Delete(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write {option} {file}: {e.Message}");
        }
    }

    /// <summary>
    /// Makes sure the results can be written before any tuning: the folder is new or empty, or holds an
    /// earlier run and <paramref name="overwrite"/> says it may be replaced; and it is writable.
    /// A folder of someone else's files is never written into.
    /// </summary>
    public static string Prepare(string output, bool overwrite)
    {
        if (File.Exists(output)) throw new UsageException($"--output {output} is a file, not a folder");
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            if (!File.Exists(Path.Combine(output, "result.json")))
                throw new UsageException($"{output} is not empty and holds no run of ours (no result.json): choose a new or empty --output folder");
            if (!overwrite)
                throw new UsageException($"{output} already holds a run (result.json); choose another --output or add --overwrite");
        }
        string probe = Path.Combine(output, $".hyperift-write-test-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(output);
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write the results folder {output}: {e.Message}");
        }
        return output;
    }

    /// <summary>Writes the folder; a failure (disk full, folder removed) is reported, not thrown, so the caller can save the run another way.</summary>
    public static bool TryWrite(RunReport report, ITuneExtension? extension, out string? error)
    {
        try
        {
            Write(report, extension);
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return false;
        }
    }

    public static void Write(RunReport report, ITuneExtension? extension = null)
    {
        WriteHistory(Path.Combine(report.Output, "history.csv"), report.Run.History);
        LambdaFile.Write(Path.Combine(report.Output, "lambda.txt"), report.Lambda);
        if (report.Final is { } final) LambdaFile.Write(Path.Combine(report.Output, "theta.txt"), final.Theta);
        string json = CliJson.Write(Result(report, extension), CliJson.Types.ResultJson, indented: true);
        File.WriteAllText(Path.Combine(report.Output, "result.json"), json + Environment.NewLine);
        Plots.Write(report.Output, report.Run.History, report.Lambda, report.Final?.Reply.ValidationLoss);
        extension?.WriteFiles(report); // last: a failure here leaves tune's files written
    }

    /// <summary>result.json (and <c>tune --json</c>): the SPEC §5 fields at the final λ, then λ, steps, best step and settings.</summary>
    public static ResultJson Result(RunReport r, ITuneExtension? extension = null) =>
        extension?.Extend(TuneResult(r), r) ?? TuneResult(r);

    private static ResultJson TuneResult(RunReport r) =>
        (r.Final is { } f ? HypergradientReport.Of(r.Run.Info!, r.Spec.Problem, r.Spec.Solver, f.Reply, f.Hypergradient, r.Seconds) : new ResultJson()) with
        {
            Lambda = r.Lambda.Length <= Commands.TuneCommand.InlineLambdaLimit ? (object)r.Lambda : Path.GetFullPath(Path.Combine(r.Output, "lambda.txt")),
            Steps = r.Run.History.Count,
            BestStep = r.Run.History.Count > 0 ? BestStep(r) : null,
            Output = Path.GetFullPath(r.Output),
            RunId = r.Run.RunId,
            Status = r.Run.Status.ToString().ToLowerInvariant(),
            Reason = r.Run.Reason,
            Test = r.Test is { } t ? TestJson.Of(t.Source, t.Metrics) : null,
            Settings = new SettingsJson(r.Spec.Outer.Optimizer, r.Spec.Outer.LearningRate, r.Spec.Outer.ToleranceSchedule,
                r.Spec.Solver.Solver, r.Spec.Solver.SolverTolerance, r.Spec.Problem.Train.Source, r.Spec.Problem.Validation.Source,
                r.Spec.Problem.Standardize, Vec.Norm(r.Lambda), Math.Round(r.Seconds, 3)),
        };

    /// <summary>The step whose λ had the lowest validation loss; the final λ counts as step N.</summary>
    private static int BestStep(RunReport r)
    {
        var best = r.Run.History.MinBy(h => h.ValidationLoss)!;
        return r.Final is { } f && f.Reply.ValidationLoss < best.ValidationLoss ? r.Run.History.Count : best.Step;
    }

    private static void WriteHistory(string path, IReadOnlyList<StepRecord> history)
    {
        using var writer = new StreamWriter(path);
        // The last three: where the step's hypergradient spent its time (empty for a step recorded without them).
        writer.WriteLine("step,validation_loss,train_loss,hypergradient_norm,cg_iterations,newton_iterations,inner_grad_norm,seconds,lambda_min,lambda_mean,lambda_max,inner_seconds,linear_solve_seconds,cross_term_seconds");
        foreach (var r in history)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Step},{r.ValidationLoss:R},{r.TrainLoss:R},{r.HypergradientNorm:R},{r.CgIterations},{r.InnerIterations},{r.InnerGradNorm:R},{r.Seconds:F4},{r.LambdaMin:R},{r.LambdaMean:R},{r.LambdaMax:R},{r.Phases?.Inner:F4},{r.Phases?.LinearSolve:F4},{r.Phases?.CrossTerm:F4}"));
    }
}
