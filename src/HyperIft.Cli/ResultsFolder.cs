using System.Globalization;
using System.Text.Json;
using HyperIft.Abstractions;
using HyperIft.Data;
using HyperIft.Numerics;

namespace HyperIft.Cli;

/// <summary>A finished run's folder: result.json, history.csv and lambda.txt (loadable by --lambda-file).</summary>
public static class ResultsFolder
{
    public static void Write(string output, RunSnapshot run, double[] lambda,
        (HypergradientReply Reply, double[] Hypergradient)? evaluation, RunSpec spec, double seconds)
    {
        WriteHistory(Path.Combine(output, "history.csv"), run.History);
        LambdaFile.Write(Path.Combine(output, "lambda.txt"), lambda);
        string json = HypergradientReport.Json(w =>
        {
            if (evaluation is { } e) WriteResult(w, run, lambda, e.Reply, e.Hypergradient, spec, seconds, output);
            else WriteRunFields(w, run, lambda, spec, seconds, output);
        }, indented: true);
        File.WriteAllText(Path.Combine(output, "result.json"), json + Environment.NewLine);
        Plots.Write(output, run.History, lambda, evaluation?.Reply.ValidationLoss);
    }

    public static void WriteResult(Utf8JsonWriter json, RunSnapshot run, double[] lambda, HypergradientReply reply,
        double[] hypergradient, RunSpec spec, double seconds, string output)
    {
        HypergradientReport.WriteFields(json, run.Info!, reply, hypergradient, seconds);
        WriteRunFields(json, run, lambda, spec, seconds, output);
    }

    private static void WriteRunFields(Utf8JsonWriter json, RunSnapshot run, double[] lambda, RunSpec spec, double seconds, string output)
    {
        if (lambda.Length <= Commands.TuneCommand.InlineLambdaLimit)
        {
            json.WriteStartArray("lambda");
            foreach (var l in lambda) json.WriteNumberValue(l);
            json.WriteEndArray();
        }
        else json.WriteString("lambda", Path.GetFullPath(Path.Combine(output, "lambda.txt")));
        json.WriteNumber("steps", run.History.Count);
        if (run.History.Count > 0) json.WriteNumber("bestStep", run.History.MinBy(r => r.ValidationLoss)!.Step);
        json.WriteString("output", Path.GetFullPath(output));
        json.WriteString("runId", run.RunId);
        json.WriteString("status", run.Status.ToString().ToLowerInvariant());
        if (run.Reason is not null) json.WriteString("reason", run.Reason);
        {
            json.WriteStartObject("settings");
            json.WriteString("optimizer", spec.Outer.Optimizer);
            json.WriteNumber("outerLr", spec.Outer.LearningRate);
            json.WriteString("tolSchedule", spec.Outer.ToleranceSchedule);
            json.WriteString("solver", spec.Solver.Solver);
            json.WriteNumber("tol", spec.Solver.SolverTolerance);
            json.WriteString("train", spec.Problem.Train.Source);
            json.WriteString("val", spec.Problem.Validation.Source);
            json.WriteNumber("lambdaNorm", Vec.Norm(lambda));
            json.WriteNumber("wallSeconds", Math.Round(seconds, 3));
            json.WriteEndObject();
        }
    }

    private static void WriteHistory(string path, IReadOnlyList<StepRecordMessage> history)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("step,validation_loss,train_loss,hypergradient_norm,cg_iterations,newton_iterations,inner_grad_norm,seconds,lambda_min,lambda_mean,lambda_max");
        foreach (var r in history)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Step},{r.ValidationLoss:R},{r.TrainLoss:R},{r.HypergradientNorm:R},{r.CgIterations},{r.NewtonIterations},{r.InnerGradNorm:R},{r.Seconds:F4},{r.LambdaMin:R},{r.LambdaMean:R},{r.LambdaMax:R}"));
    }
}
