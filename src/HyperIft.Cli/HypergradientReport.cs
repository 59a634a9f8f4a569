using System.Globalization;
using System.Text.Json;
using HyperIft.Numerics;
using HyperIft.Numerics.Optimization;

namespace HyperIft.Cli;

/// <summary>The machine-readable result of SPEC §5, written field by field in the order the SPEC lists.</summary>
public static class HypergradientReport
{
    public static void WriteFields(Utf8JsonWriter json, LoadedProblem loaded, HypergradientResult result, int shards, double seconds)
    {
        json.WriteString("model", loaded.ModelName);
        json.WriteString("hyper", loaded.HyperName);
        json.WriteNumber("n", loaded.Train.Rows);
        json.WriteNumber("m", loaded.Validation.Rows);
        json.WriteNumber("p", loaded.Train.Features);
        json.WriteNumber("lambdaCount", loaded.Problem.HyperCount);
        json.WriteNumber("validationLoss", result.ValidationLoss);
        json.WriteNumber("trainLoss", result.TrainLoss);
        json.WriteNumber("innerGradNorm", result.Inner.GradientNorm);
        json.WriteStartArray("hypergradient");
        foreach (var g in result.Hypergradient) json.WriteNumberValue(g);
        json.WriteEndArray();
        json.WriteStartObject("solver");
        json.WriteString("name", result.Solve.Solver);
        json.WriteNumber("iterations", result.Solve.Iterations);
        json.WriteNumber("residual", result.Solve.Residual);
        json.WriteEndObject();
        json.WriteNumber("shards", shards);
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
    public static IEnumerable<string> Warnings(HypergradientResult result)
    {
        if (!result.Inner.Converged)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"warning: the inner solve stopped at ‖∇θ f‖ = {result.Inner.GradientNorm:E2} after {result.Inner.Iterations} Newton iterations, above its tolerance");
        if (!result.Solve.Converged)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"warning: {result.Solve.Solver} stopped at relative residual {result.Solve.Residual:E2} after {result.Solve.Iterations} iterations, above its tolerance");
    }

    public static void WriteHuman(TextWriter output, LoadedProblem loaded, HypergradientResult result, int shards, double seconds)
    {
        var g = result.Hypergradient;
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"{loaded.ModelName} / {loaded.HyperName}: n = {loaded.Train.Rows}, m = {loaded.Validation.Rows}, p = {loaded.Train.Features}, |λ| = {g.Length}, shards = {shards}"));
        output.WriteLine(string.Create(inv, $"validation loss  {result.ValidationLoss:R}"));
        output.WriteLine(string.Create(inv, $"training loss    {result.TrainLoss:R}"));
        output.WriteLine(string.Create(inv, $"inner ‖∇θ f‖     {result.Inner.GradientNorm:E3} ({result.Inner.Iterations} Newton iterations)"));
        output.WriteLine(string.Create(inv, $"solver           {result.Solve.Solver}: {result.Solve.Iterations} iterations, residual {result.Solve.Residual:E3}"));
        output.WriteLine(string.Create(inv, $"‖dg/dλ‖          {Vec.Norm(g):E6}"));
        int shown = Math.Min(g.Length, 10);
        output.WriteLine("dg/dλ            [" + string.Join(", ", g.Take(shown).Select(x => x.ToString("G10", inv)))
                         + (g.Length > shown ? $", … {g.Length - shown} more]" : "]"));
        output.WriteLine(string.Create(inv, $"seconds          {seconds:F3}"));
    }
}
