using HyperIft.Numerics.Models;

namespace HyperIft.Data;

/// <summary>Settings of a generated problem.</summary>
public sealed record SyntheticSpec(int Rows = 2000, int Features = 20, int Classes = 3, int Seed = 0,
    int ValidationRows = 0, double Noise = 1.0)
{
    public const string Prefix = "synthetic";

    /// <summary>More classes than this is a typo, not a problem (W alone would be p × c).</summary>
    public const int MaxClasses = 1000;

    public int ValidationRowsOrDefault => ValidationRows > 0 ? ValidationRows : Math.Max(1, Rows / 2);

    public static bool IsSynthetic(string source) =>
        source == Prefix || source.StartsWith(Prefix + ":", StringComparison.Ordinal);

    /// <summary>"synthetic" or "synthetic:n=2000,p=20,c=3,seed=0,m=1000,noise=1".</summary>
    public static SyntheticSpec Parse(string source)
    {
        var result = new SyntheticSpec();
        if (source == Prefix) return result;
        if (!IsSynthetic(source))
            throw new DataFormatException(source, 0, "write synthetic or synthetic:n=..,p=..,c=..,seed=..,m=..,noise=..");
        foreach (var pair in source[(Prefix.Length + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length != 2) throw new DataFormatException(source, 0, $"'{pair}' is not key=value");
            int Int() => int.TryParse(kv[1], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) && v >= 0
                ? v : throw new DataFormatException(source, 0, $"{kv[0]} must be a non-negative integer");
            result = kv[0] switch
            {
                "n" => result with { Rows = Int() },
                "p" => result with { Features = Int() },
                "c" => result with { Classes = Int() },
                "seed" => result with { Seed = Int() },
                "m" => result with { ValidationRows = Int() },
                "noise" => result with
                {
                    Noise = double.TryParse(kv[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) && d >= 0
                        ? d : throw new DataFormatException(source, 0, "noise must be a finite non-negative number"),
                },
                _ => throw new DataFormatException(source, 0, $"unknown key '{kv[0]}' (n, p, c, seed, m, noise)"),
            };
        }
        // Checked here, where the source is named, so that the generator never meets them.
        if (result.Rows < 1) throw new DataFormatException(source, 0, "n must be at least 1");
        if (result.Features < 1) throw new DataFormatException(source, 0, "p must be at least 1");
        // c is read by softmax only, but a c no model can use is a mistake whatever the model.
        if (result.Classes is < 2 or > MaxClasses) throw new DataFormatException(source, 0, $"c must be between 2 and {MaxClasses}");
        foreach (var (name, rows) in new[] { ("n", result.Rows), ("m", result.ValidationRowsOrDefault) })
            if ((long)rows * result.Features > Array.MaxLength)
                throw new DataFormatException(source, 0, $"{name}·p = {(long)rows * result.Features} values do not fit in one array (at most {Array.MaxLength})");
        return result;
    }
}

/// <summary>
/// Seeded data with a known ground truth for each model kind: x ~ N(0, I); only the first half of the
/// features carry signal (so per-feature regularization has something to find); labels drawn from
/// the model itself (Gaussian noise, Bernoulli, categorical). Train and validation share the truth.
/// System.Random with a seed is stable across .NET versions, so a seed names one data set.
/// </summary>
public static class SyntheticData
{
    public static (Dataset Train, Dataset Validation) Generate(string model, SyntheticSpec spec) =>
        (GeneratePart(model, spec, DataPart.Train), GeneratePart(model, spec, DataPart.Validation));

    /// <summary>Train, validation and a test set of the validation set's size, drawn in that order from one truth.</summary>
    public static (Dataset Train, Dataset Validation, Dataset Test) GenerateWithTest(string model, SyntheticSpec spec) =>
        (GeneratePart(model, spec, DataPart.Train), GeneratePart(model, spec, DataPart.Validation), GeneratePart(model, spec, DataPart.Test));

    /// <summary>
    /// One part, or only the rows of <paramref name="window"/> in it: the random stream is consumed
    /// for every row before them (so a row is the same whoever draws it), but only the window is kept.
    /// </summary>
    public static Dataset GeneratePart(string model, SyntheticSpec spec, DataPart part, RowWindow? window = null)
    {
        if (spec.Rows < 1 || spec.Features < 1) throw new ArgumentException("synthetic data needs n ≥ 1 and p ≥ 1");
        // The labels are drawn as the model's kind takes them, so a new model needs nothing here.
        var labels = ModelKinds.Named(model).Labels;
        if (labels == LabelSet.Classes && spec.Classes < 2) throw new ArgumentException($"{model} needs at least 2 classes");
        var random = new Random(spec.Seed);
        int outputs = labels == LabelSet.Classes ? spec.Classes : 1;
        var truth = new double[spec.Features * outputs];
        int informative = Math.Max(1, spec.Features / 2);
        for (int f = 0; f < informative; f++)
            for (int c = 0; c < outputs; c++)
                truth[f * outputs + c] = Gaussian(random) * 2.0 / Math.Sqrt(informative);

        int validation = spec.ValidationRowsOrDefault;
        var (skip, rows, name) = part switch
        {
            DataPart.Train => (0, spec.Rows, "train"),
            DataPart.Validation => (spec.Rows, validation, "validation"),
            _ => (spec.Rows + validation, validation, "test"),
        };
        var w = window ?? new RowWindow(0, rows);
        if (w.Start < 0 || w.End > rows)
            throw new DataFormatException($"synthetic:{model}:{name}", 0, $"rows [{w.Start}, {w.End}) are outside its {rows} rows");

        int p = spec.Features;
        var x = new double[w.Count * p];
        var y = new double[w.Count];
        var row = new double[p];
        var scores = new double[outputs];
        for (int i = 0; i < skip + w.End; i++)
        {
            double label = DrawRow(labels, spec, truth, outputs, random, row, scores);
            int kept = i - skip - w.Start;
            if (kept < 0) continue;
            row.CopyTo(x, kept * p);
            y[kept] = label;
        }
        return new Dataset($"synthetic:{model}:{name}", p, x, y, Enumerable.Range(w.Start + 1, w.Count).ToArray());
    }

    private static double DrawRow(LabelSet labels, SyntheticSpec spec, double[] truth, int outputs, Random random, double[] x, double[] scores)
    {
        int p = x.Length;
        for (int f = 0; f < p; f++) x[f] = Gaussian(random);
        Array.Clear(scores);
        for (int f = 0; f < p; f++)
            for (int c = 0; c < outputs; c++)
                scores[c] += x[f] * truth[f * outputs + c];
        return labels switch
        {
            LabelSet.Real => scores[0] + spec.Noise * Gaussian(random),
            LabelSet.Binary => random.NextDouble() < 1.0 / (1.0 + Math.Exp(-scores[0])) ? 1.0 : 0.0,
            _ => Categorical(scores, random),
        };
    }

    private static double Gaussian(Random random)
    {
        // Box–Muller; 1 − U keeps the logarithm finite.
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static double Categorical(double[] scores, Random random)
    {
        double max = scores.Max(), total = 0;
        var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
        foreach (var w in weights) total += w;
        double u = random.NextDouble() * total;
        for (int c = 0; c < weights.Length; c++)
        {
            u -= weights[c];
            if (u < 0) return c;
        }
        return weights.Length - 1;
    }
}
