using System.Globalization;
using System.Text.Json;
using HyperIft.Abstractions;
using HyperIft.Numerics;
using HyperIft.Numerics.Solvers;

namespace HyperIft.Cli;

/// <summary>The machine-readable result of SPEC §5, written field by field in the order the SPEC lists.</summary>
public static class HypergradientReport
{
    public static void WriteFields(Utf8JsonWriter json, ProblemInfo info, HypergradientReply reply, double[] hypergradient, double seconds)
    {
        json.WriteString("model", info.Model);
        json.WriteString("hyper", info.Hyper);
        json.WriteNumber("n", info.TrainRows);
        json.WriteNumber("m", info.ValidationRows);
        json.WriteNumber("p", info.Features);
        json.WriteNumber("lambdaCount", info.HyperCount);
        json.WriteNumber("validationLoss", reply.ValidationLoss);
        json.WriteNumber("trainLoss", reply.TrainLoss);
        json.WriteNumber("innerGradNorm", reply.InnerGradNorm);
        json.WriteStartArray("hypergradient");
        foreach (var g in hypergradient) json.WriteNumberValue(g);
        json.WriteEndArray();
        json.WriteStartObject("solver");
        json.WriteString("name", reply.SolverName);
        json.WriteNumber("iterations", reply.SolverIterations);
        json.WriteNumber("residual", reply.SolverResidual);
        json.WriteEndObject();
        json.WriteNumber("shards", info.Shards);
        json.WriteNumber("seconds", Math.Round(seconds, 6));
    }

    public static string Json(Action<Utf8JsonWriter> fields, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            json.WriteStartObject();
            fields(json);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Warnings a user must see: an answer computed from an unconverged solve.</summary>
    public static IEnumerable<string> Warnings(HypergradientReply reply)
    {
        if (!reply.InnerConverged)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"warning: the inner solve stopped at ‖∇θ f‖ = {reply.InnerGradNorm:E2} after {reply.InnerIterations} Newton iterations, above its tolerance");
        if (reply.SolverOutcome == SolveOutcome.IterationCap)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"warning: {reply.SolverName} stopped at its iteration cap ({reply.SolverIterations} iterations) with relative residual {reply.SolverResidual:E2}, above its tolerance (raise --max-cg-iter or loosen --tol)");
    }

    public static void WriteHuman(TextWriter output, ProblemInfo info, HypergradientReply reply, double[] g, double seconds)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"{info.Model} / {info.Hyper}: n = {info.TrainRows}, m = {info.ValidationRows}, p = {info.Features}, |λ| = {g.Length}, shards = {info.Shards}"));
        output.WriteLine(string.Create(inv, $"validation loss  {reply.ValidationLoss:R}"));
        output.WriteLine(string.Create(inv, $"training loss    {reply.TrainLoss:R}"));
        output.WriteLine(string.Create(inv, $"inner ‖∇θ f‖     {reply.InnerGradNorm:E3} ({reply.InnerIterations} Newton iterations)"));
        output.WriteLine(string.Create(inv, $"solver           {reply.SolverName}: {reply.SolverIterations} iterations, residual {reply.SolverResidual:E3}"));
        output.WriteLine(string.Create(inv, $"‖dg/dλ‖          {Vec.Norm(g):E6}"));
        int shown = Math.Min(g.Length, 10);
        output.WriteLine("dg/dλ            [" + string.Join(", ", g.Take(shown).Select(x => x.ToString("G10", inv)))
                         + (g.Length > shown ? $", … {g.Length - shown} more]" : "]"));
        output.WriteLine(string.Create(inv, $"seconds          {seconds:F3}"));
    }

    public static string Summary(double[] x) =>
        x.Length == 0 ? "[]" : string.Create(CultureInfo.InvariantCulture,
            $"min {x.Min():G4}, mean {x.Average():G4}, max {x.Max():G4}, ‖·‖ {Vec.Norm(x):G4}");
}
