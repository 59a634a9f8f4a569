using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HyperIft.Cli.Tests;

/// <summary>
/// <c>clean</c> and <c>influence</c> through the console (SPEC §9): on well-separated classes with
/// known flipped labels, clean finds the flips; weights.csv and the JSON agree with each other and
/// with the data file; influence equals the example-weight hypergradient at λ = 0; bad input.
/// </summary>
public class CleanCommandTests : TempFolderTests
{
    private const int Classes = 3, Features = 4, TrainRows = 300, ValidationRows = 150;

    /// <summary>Gaussian blobs around well-apart centres; <paramref name="flipped"/> rows get another class's label.</summary>
    private string WriteBlobs(string name, int rows, int seed, IReadOnlySet<int> flipped)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            int c = i % Classes;
            for (int j = 0; j < Features; j++)
            {
                double centre = j == c ? 4.0 : 0.0;
                double gauss = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                text.Append((centre + gauss).ToString("R", CultureInfo.InvariantCulture)).Append(',');
            }
            int label = flipped.Contains(i) ? (c + 1 + random.Next(Classes - 1)) % Classes : c;
            text.Append(label).Append('\n');
        }
        return Temp.Write(name, text.ToString());
    }

    private (string Train, string Val, string Truth, HashSet<int> Flipped) NoisyProblem()
    {
        var random = new Random(11);
        var flipped = Enumerable.Range(0, TrainRows).Where(_ => random.NextDouble() < 0.2).ToHashSet();
        string train = WriteBlobs("train.csv", TrainRows, 1, flipped);
        string val = WriteBlobs("val.csv", ValidationRows, 2, new HashSet<int>());
        string truth = Temp.Write("truth.txt", string.Join('\n', flipped.Order()) + "\n");
        return (train, val, truth, flipped);
    }

    private static double D(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("softmax")]
    [InlineData("mlp")]
    public void Clean_finds_the_flipped_labels_and_its_files_agree_with_the_data(string model)
    {
        var (train, val, truth, flipped) = NoisyProblem();
        string output = Temp.PathOf("clean");
        // A network's θ* need not be a strict minimum: a little damping keeps every step's solve defined.
        string[] network = model == "mlp" ? ["--hidden", "6", "--damping", "1e-6"] : [];
        var r = CliRunner.Run(["clean", "--model", model, .. network, "--train", train, "--val", val, "--truth", truth,
            "--steps", "25", "--outer-lr", "1", "--tol", "1e-8", "--shards", "2", "--output", output, "--json"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var root = json.RootElement;
        double auc = root.GetProperty("auc").GetDouble();
        Assert.True(auc >= 0.95, $"{model}: AUC {auc:F4}"); // measured: softmax 0.9958 (precision and recall 0.984), mlp 0.9896
        Assert.True(root.GetProperty("validationLoss").GetDouble() < root.GetProperty("initialValidationLoss").GetDouble(),
            "cleaning should lower the validation loss");

        // weights.csv: every training row once, lightest first, with the label the file gives it.
        var labels = File.ReadAllLines(train).Select(l => l[(l.LastIndexOf(',') + 1)..]).ToArray();
        var lines = File.ReadAllLines(Path.Combine(output, "weights.csv"));
        Assert.Equal("row,label,weight,influence", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).Select(f => (Row: int.Parse(f[0], CultureInfo.InvariantCulture), Label: f[1], Weight: D(f[2]), Influence: D(f[3]))).ToArray();
        Assert.Equal(Enumerable.Range(0, TrainRows), rows.Select(x => x.Row).Order());
        Assert.All(rows, x => Assert.Equal(labels[x.Row], x.Label));
        Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First.Weight <= p.Second.Weight), "weights.csv is not sorted by weight");
        var lambda = File.ReadAllLines(Path.Combine(output, "lambda.txt")).Select(D).ToArray();
        Assert.All(rows, x => Assert.Equal(2 / (1 + Math.Exp(-lambda[x.Row])), x.Weight, 12));

        // The JSON's counts, recomputed from weights.csv and the truth.
        var suspects = rows.Where(x => x.Weight < 0.5).Select(x => x.Row).ToHashSet();
        Assert.Equal(suspects.Count, root.GetProperty("suspects").GetInt32());
        Assert.Equal(0.5, root.GetProperty("suspectBelow").GetDouble());
        Assert.Equal((double)suspects.Intersect(flipped).Count() / suspects.Count, root.GetProperty("precision").GetDouble(), 12);
        Assert.Equal((double)suspects.Intersect(flipped).Count() / flipped.Count, root.GetProperty("recall").GetDouble(), 12);

        // Influence at the start: positive (harmful) on average for the flipped rows, negative for the others.
        Assert.True(rows.Where(x => flipped.Contains(x.Row)).Average(x => x.Influence) > 0);
        Assert.True(rows.Where(x => !flipped.Contains(x.Row)).Average(x => x.Influence) < 0);
    }

    [Fact]
    public void Influence_is_the_example_weight_hypergradient_at_zero_with_the_rows_labels()
    {
        var (train, val, _, _) = NoisyProblem();
        string csv = Temp.PathOf("influence.csv");
        var r = CliRunner.Run("influence", "--model", "logistic", "--train", Temp.Write("binary.csv", Binary(train)), "--val", Temp.Write("binval.csv", Binary(val)),
            "--tol", "1e-10", "--shards", "3", "--output", csv);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("most harmful rows", r.Stdout);
        var h = CliRunner.Run("hypergrad", "--model", "logistic", "--hyper", "example-weights", "--lambda", "0", "--train", Temp.PathOf("binary.csv"),
            "--val", Temp.PathOf("binval.csv"), "--tol", "1e-10", "--json");
        Assert.True(h.ExitCode == 0, h.Stderr);
        using var json = JsonDocument.Parse(h.Stdout);
        var expected = json.RootElement.GetProperty("hypergradient").EnumerateArray().Select(e => e.GetDouble()).ToArray();

        var lines = File.ReadAllLines(csv);
        Assert.Equal("row,label,influence", lines[0]);
        var labels = File.ReadAllLines(Temp.PathOf("binary.csv")).Select(l => l[(l.LastIndexOf(',') + 1)..]).ToArray();
        Assert.Equal(TrainRows, lines.Length - 1);
        for (int i = 0; i < TrainRows; i++)
        {
            var f = lines[i + 1].Split(',');
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), f[0]);
            Assert.Equal(labels[i], f[1]);
            // 3 shards against 1: the same sums in another order.
            Assert.Equal(expected[i], D(f[2]), 1e-9 * expected.Max(Math.Abs));
        }
    }

    [Fact]
    public void Rows_are_numbered_as_in_the_training_file_under_a_row_range()
    {
        var (train, val, _, flipped) = NoisyProblem();
        // Rows 100..299 of the file; the truth names file rows.
        string truth = Temp.Write("truth-range.txt", string.Join('\n', flipped.Where(r => r >= 100)) + "\n");
        string output = Temp.PathOf("clean-range");
        var r = CliRunner.Run("clean", "--model", "softmax", "--train", train + "[100:300]", "--val", val, "--truth", truth,
            "--steps", "3", "--outer-lr", "1", "--tol", "1e-8", "--output", output, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var labels = File.ReadAllLines(train).Select(l => l[(l.LastIndexOf(',') + 1)..]).ToArray();
        var rows = File.ReadAllLines(Path.Combine(output, "weights.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(Enumerable.Range(100, 200), rows.Select(f => int.Parse(f[0], CultureInfo.InvariantCulture)).Order());
        Assert.All(rows, f => Assert.Equal(labels[int.Parse(f[0], CultureInfo.InvariantCulture)], f[1]));
        CliAssert.BadInput(CliRunner.Run("clean", "--model", "softmax", "--train", train + "[100:300]", "--val", val,
            "--truth", Temp.Write("early.txt", "5\n"), "--steps", "1", "--output", Temp.PathOf("early")), "early.txt:1", "row 5 is out of range", "rows 100 to 299");

        string csv = Temp.PathOf("influence-range.csv");
        var influence = CliRunner.Run("influence", "--model", "softmax", "--train", train + "[100:300]", "--val", val, "--output", csv, "--json");
        Assert.True(influence.ExitCode == 0, influence.Stderr);
        Assert.Equal("100", File.ReadAllLines(csv)[1].Split(',')[0]);
        using var json = JsonDocument.Parse(influence.Stdout);
        Assert.False(json.RootElement.TryGetProperty("hypergradient", out _), "--json summarizes; the rows are in the file");
        Assert.Equal(Path.GetFullPath(csv), json.RootElement.GetProperty("output").GetString());
    }

    /// <summary>The blobs as a binary problem: class 0 against the rest.</summary>
    private static string Binary(string file) =>
        string.Concat(File.ReadAllLines(file).Select(l => l[..(l.LastIndexOf(',') + 1)] + (l.EndsWith(",0", StringComparison.Ordinal) ? "0" : "1") + "\n"));

    [Theory]
    [InlineData("1\n2\nx\n", "truth.txt:3", "'x' is not a row index")]
    [InlineData("1\n-4\n", "truth.txt:2", "'-4' is not a row index")]
    [InlineData("1\n300\n", "truth.txt:2", "row 300 is out of range")]
    [InlineData("\n", "truth.txt", "has no row indices")]
    public void A_bad_truth_file_is_named_with_its_line(string content, string where, string problem)
    {
        var (train, val, _, _) = NoisyProblem();
        string truth = Temp.Write("truth.txt", content);
        var r = CliRunner.Run("clean", "--model", "softmax", "--train", train, "--val", val, "--truth", truth, "--steps", "1", "--output", Temp.PathOf("out"));
        CliAssert.BadInput(r, where, problem);
    }

    [Theory]
    [InlineData("--suspect-below", "0", "--suspect-below must be between 0 and 2")]
    [InlineData("--suspect-below", "2.5", "--suspect-below must be between 0 and 2")]
    [InlineData("--hyper", "l2", "--hyper 'l2' is not one of: example-weights")]
    public void Clean_refuses_a_bad_flag_by_name(string flag, string value, string problem)
    {
        var r = CliRunner.Run("clean", "--model", "softmax", "--train", "synthetic:n=50,p=3,c=3", flag, value, "--steps", "1", "--output", Temp.PathOf("out"));
        CliAssert.BadInput(r, problem);
    }

    [Fact]
    public void Influence_refuses_another_kind_and_json_without_a_file()
    {
        CliAssert.BadInput(CliRunner.Run("influence", "--model", "softmax", "--train", "synthetic:n=50,p=3,c=3", "--hyper", "l2-feature"), "--hyper 'l2-feature' is not one of: example-weights");
        CliAssert.BadInput(CliRunner.Run("influence", "--model", "softmax", "--train", "synthetic:n=50,p=3,c=3", "--json"), "--json", "--output");
    }
}
