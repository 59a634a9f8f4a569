using HyperIft.Numerics.Optimization;
using System.Globalization;
using System.Text.Json;
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
/// step, settings), history.csv, lambda.txt (loadable by --lambda-file), and PNG plots.
/// </summary>
public static class ResultsFolder
{
    /// <summary>The files a results folder holds; a folder with result.json in it is one of ours.</summary>
    public static readonly string[] Files = ["result.json", "history.csv", "lambda.txt", "validation_loss.png", "lambda.png"];

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
    public static bool TryWrite(RunReport report, out string? error)
    {
        try
        {
            Write(report);
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return false;
        }
    }

    public static void Write(RunReport report)
    {
        WriteHistory(Path.Combine(report.Output, "history.csv"), report.Run.History);
        LambdaFile.Write(Path.Combine(report.Output, "lambda.txt"), report.Lambda);
        string json = HypergradientReport.Json(w => WriteResult(w, report), indented: true);
        File.WriteAllText(Path.Combine(report.Output, "result.json"), json + Environment.NewLine);
        Plots.Write(report.Output, report.Run.History, report.Lambda, report.Final?.Reply.ValidationLoss);
    }

    public static void WriteResult(Utf8JsonWriter json, RunReport r)
    {
        if (r.Final is { } f) HypergradientReport.WriteFields(json, r.Run.Info!, f.Reply, f.Hypergradient, r.Seconds);
        if (r.Lambda.Length <= Commands.TuneCommand.InlineLambdaLimit)
        {
            json.WriteStartArray("lambda");
            foreach (var l in r.Lambda) json.WriteNumberValue(l);
            json.WriteEndArray();
        }
        else json.WriteString("lambda", Path.GetFullPath(Path.Combine(r.Output, "lambda.txt")));
        json.WriteNumber("steps", r.Run.History.Count);
        if (r.Run.History.Count > 0) json.WriteNumber("bestStep", BestStep(r));
        json.WriteString("output", Path.GetFullPath(r.Output));
        json.WriteString("runId", r.Run.RunId);
        json.WriteString("status", r.Run.Status.ToString().ToLowerInvariant());
        if (r.Run.Reason is not null) json.WriteString("reason", r.Run.Reason);
        if (r.Test is { } t)
        {
            json.WriteStartObject("test");
            json.WriteString("source", t.Source);
            json.WriteNumber("rows", t.Metrics.Rows);
            json.WriteNumber("loss", t.Metrics.Loss);
            if (t.Metrics.Accuracy is { } a) json.WriteNumber("accuracy", a);
            if (t.Metrics.Rmse is { } e) json.WriteNumber("rmse", e);
            json.WriteEndObject();
        }
        json.WriteStartObject("settings");
        json.WriteString("optimizer", r.Spec.Outer.Optimizer);
        json.WriteNumber("outerLr", r.Spec.Outer.LearningRate);
        json.WriteString("tolSchedule", r.Spec.Outer.ToleranceSchedule);
        json.WriteString("solver", r.Spec.Solver.Solver);
        json.WriteNumber("tol", r.Spec.Solver.SolverTolerance);
        json.WriteString("train", r.Spec.Problem.Train.Source);
        json.WriteString("val", r.Spec.Problem.Validation.Source);
        json.WriteBoolean("standardize", r.Spec.Problem.Standardize);
        json.WriteNumber("lambdaNorm", Vec.Norm(r.Lambda));
        json.WriteNumber("wallSeconds", Math.Round(r.Seconds, 3));
        json.WriteEndObject();
    }

    /// <summary>The step whose λ had the lowest validation loss; the final λ counts as step N.</summary>
    private static int BestStep(RunReport r)
    {
        var best = r.Run.History.MinBy(h => h.ValidationLoss)!;
        return r.Final is { } f && f.Reply.ValidationLoss < best.ValidationLoss ? r.Run.History.Count : best.Step;
    }

    private static void WriteHistory(string path, IReadOnlyList<StepRecord> history)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("step,validation_loss,train_loss,hypergradient_norm,cg_iterations,newton_iterations,inner_grad_norm,seconds,lambda_min,lambda_mean,lambda_max");
        foreach (var r in history)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Step},{r.ValidationLoss:R},{r.TrainLoss:R},{r.HypergradientNorm:R},{r.CgIterations},{r.InnerIterations},{r.InnerGradNorm:R},{r.Seconds:F4},{r.LambdaMin:R},{r.LambdaMean:R},{r.LambdaMax:R}"));
    }
}
