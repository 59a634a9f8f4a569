using System.Text.Json;
using HyperIft.Data;

namespace HyperIft.Cli.Tests;

public class HypergradCommandTests : TempFolderTests
{
    private (string Train, string Val) WriteData(string model, int rows = 80, int features = 4, int seed = 2)
    {
        var (train, val) = SyntheticData.Generate(model, new SyntheticSpec(rows, features, 3, seed));
        return (CliRunner.WriteCsv(Temp.PathOf($"{model}-train.csv"), train),
                CliRunner.WriteCsv(Temp.PathOf($"{model}-val.csv"), val));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Libsvm_files_need_no_features_flag_and_validation_takes_the_training_width(int shards)
    {
        // The training file's largest index is 5; the validation file's is 2 (SPEC §6: p comes from training).
        string train = Temp.Write("t.svm", "1 1:0.5 5:1\n0 2:1 3:0.2\n1 5:0.3\n0 1:1\n1 4:0.7 5:0.1\n0 3:1\n");
        string val = Temp.Write("v.svm", "1 1:0.5\n0 2:1\n1 1:0.1 2:0.2\n");
        string trainCsv = Temp.Write("t.csv", "0.5,0,0,0,1,1\n0,1,0.2,0,0,0\n0,0,0,0,0.3,1\n1,0,0,0,0,0\n0,0,0,0.7,0.1,1\n0,0,1,0,0,0\n");
        string valCsv = Temp.Write("v.csv", "0.5,0,0,0,0,1\n0,1,0,0,0,0\n0.1,0.2,0,0,0,1\n");
        var sparse = CliRunner.Run("hypergrad", "--model", "logistic", "--hyper", "l2-feature", "--train", train, "--val", val,
            "--lambda", "-1", "--shards", shards.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.True(sparse.ExitCode == 0, sparse.Stderr);
        var dense = CliRunner.Run("hypergrad", "--model", "logistic", "--hyper", "l2-feature", "--train", trainCsv, "--val", valCsv,
            "--lambda", "-1", "--json");
        Assert.True(dense.ExitCode == 0, dense.Stderr);
        using var a = JsonDocument.Parse(sparse.Stdout);
        using var b = JsonDocument.Parse(dense.Stdout);
        Assert.Equal(5, a.RootElement.GetProperty("p").GetInt32());
        var x = a.RootElement.GetProperty("hypergradient").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var y = b.RootElement.GetProperty("hypergradient").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(5, x.Length);
        for (int i = 0; i < x.Length; i++) Assert.Equal(y[i], x[i], 1e-12 * y.Max(Math.Abs));
    }

    [Theory]
    [InlineData("softmax", "l2-param")]
    [InlineData("logistic", "example-weights")]
    [InlineData("mlp", "l2-layer")]
    public void Sparse_storage_gives_the_dense_hypergradient(string model, string kind)
    {
        // Synthetic rows with most entries zeroed, once as CSV read dense, once with --sparse.
        var (train, val) = SyntheticData.Generate(model, new SyntheticSpec(90, 12, 3, 4));
        Dataset Thin(Dataset d) => d.WithFeatures(d.X.Select((x, i) => (i * 7919 % 10) < 7 ? 0 : x).ToArray());
        string trainCsv = CliRunner.WriteCsv(Temp.PathOf("thin-train.csv"), Thin(train));
        string valCsv = CliRunner.WriteCsv(Temp.PathOf("thin-val.csv"), Thin(val));
        string[] Args(params string[] more) =>
            ["hypergrad", "--model", model, "--hyper", kind, "--train", trainCsv, "--val", valCsv, "--lambda", kind == "example-weights" ? "0.2" : "-2",
             "--tol", "1e-11", "--shards", "3", "--json", .. (model == "mlp" ? ["--hidden", "6"] : Array.Empty<string>()), .. more];
        var dense = CliRunner.Run(Args());
        var sparse = CliRunner.Run(Args("--sparse"));
        Assert.True(dense.ExitCode == 0, dense.Stderr);
        Assert.True(sparse.ExitCode == 0, sparse.Stderr);
        using var a = JsonDocument.Parse(dense.Stdout);
        using var b = JsonDocument.Parse(sparse.Stdout);
        var x = a.RootElement.GetProperty("hypergradient").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var y = b.RootElement.GetProperty("hypergradient").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(x.Length, y.Length);
        double scale = x.Max(Math.Abs);
        Assert.True(scale > 1e-8, "a vanishing hypergradient would make this test vacuous");
        for (int i = 0; i < x.Length; i++) Assert.Equal(x[i], y[i], 1e-9 * scale);
    }

    [Fact]
    public void L2_feature_over_a_million_sparse_features_works_and_unused_features_get_zero()
    {
        // 60 rows, 5 entries each, over p = 10⁶: dense this would be 480 MB of X; sparse it is 300 entries.
        var random = new Random(3);
        var used = new SortedSet<int>();
        string Rows(int count) => string.Concat(Enumerable.Range(0, count).Select(i =>
        {
            var columns = Enumerable.Range(0, 5).Select(_ => random.Next(1, 200) * 5000).Distinct().Order().ToArray();
            used.UnionWith(columns);
            return $"{i % 2} " + string.Join(' ', columns.Select(c => $"{c}:{1 + random.NextDouble():R}")) + "\n";
        }));
        string train = Temp.Write("wide.svm", Rows(60) + "0 1000000:0.5\n");
        used.Add(1000000);
        string val = Temp.Write("wide-val.svm", Rows(30));
        var r = CliRunner.Run("hypergrad", "--model", "logistic", "--hyper", "l2-feature", "--train", train, "--val", val,
            "--lambda", "-3", "--shards", "2", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(1_000_000, doc.RootElement.GetProperty("p").GetInt32());
        var g = doc.RootElement.GetProperty("hypergradient").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(1_000_000, g.Length);
        // A feature no training row has keeps θ_f = 0 at every λ_f: its hypergradient is exactly 0.
        for (int f = 0; f < g.Length; f++)
            if (!used.Contains(f + 1)) Assert.True(g[f] == 0, $"feature {f + 1} is in no row, yet dg/dλ = {g[f]}");
        Assert.True(used.Count(c => c < 1000000 && g[c - 1] != 0) > used.Count / 2, "the used features should move g");
    }

    [Fact]
    public void Kronecker_preconditioning_gives_the_same_hypergradient_with_fewer_cg_iterations()
    {
        var (train, val) = SyntheticData.Generate("softmax", new SyntheticSpec(500, 20, 4, 6));
        string trainCsv = CliRunner.WriteCsv(Temp.PathOf("k-train.csv"), train);
        string valCsv = CliRunner.WriteCsv(Temp.PathOf("k-val.csv"), val);
        JsonElement Run(string lambda, params string[] more)
        {
            var r = CliRunner.Run(["hypergrad", "--model", "softmax", "--hyper", "l2-feature", "--train", trainCsv, "--val", valCsv,
                "--lambda", lambda, "--tol", "1e-11", "--shards", "3", "--json", .. more]);
            Assert.True(r.ExitCode == 0, r.Stderr);
            return JsonDocument.Parse(r.Stdout).RootElement;
        }
        var plain = Run("-7");
        var kronecker = Run("-7", "--kronecker");
        var x = plain.GetProperty("hypergradient").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var y = kronecker.GetProperty("hypergradient").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double scale = x.Max(Math.Abs);
        for (int i = 0; i < x.Length; i++) Assert.Equal(x[i], y[i], 1e-8 * scale);
        int before = plain.GetProperty("solver").GetProperty("iterations").GetInt32();
        int after = kronecker.GetProperty("solver").GetProperty("iterations").GetInt32();
        Assert.True(after < before, $"{after} preconditioned CG iterations against {before}");

        var network = CliRunner.Run("hypergrad", "--model", "mlp", "--hyper", "l2", "--train", trainCsv, "--val", valCsv, "--kronecker");
        Assert.Equal(2, network.ExitCode);
        Assert.Contains("--kronecker", network.Stderr);
        var both = CliRunner.Run("hypergrad", "--model", "softmax", "--hyper", "l2", "--train", trainCsv, "--val", valCsv, "--kronecker", "--jacobi");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("choose one", both.Stderr);
        var exact = CliRunner.Run("hypergrad", "--model", "softmax", "--hyper", "l2", "--train", trainCsv, "--val", valCsv, "--kronecker", "--solver", "exact");
        Assert.Equal(2, exact.ExitCode);
        Assert.Contains("--kronecker preconditions CG", exact.Stderr);

        // Refused before any work when the Gram matrix would be too large (exit 2, not a failed run).
        string wide = Temp.Write("wide-k.svm", "1 1:1 5000:1\n0 2:1\n1 3:1\n0 4:1\n");
        var tooWide = CliRunner.Run("tune", "--model", "logistic", "--hyper", "l2", "--train", wide, "--val", wide, "--kronecker",
            "--steps", "2", "--output", Temp.PathOf("wide-run"));
        Assert.Equal(2, tooWide.ExitCode);
        Assert.Contains("at most 4096 features", tooWide.Stderr);

        // e^λ underflows to 0 at λ = −800: the preconditioner's floor keeps it usable, as plain CG is.
        var underflow = Run("-800", "--kronecker");
        Assert.True(double.IsFinite(underflow.GetProperty("validationLoss").GetDouble()));
    }

    [Fact]
    public void Json_output_is_one_object_with_the_spec_fields()
    {
        var (train, val) = WriteData("logistic");
        var r = CliRunner.Run("hypergrad", "--model", "logistic", "--hyper", "l2-feature", "--train", train, "--val", val,
            "--lambda", "-2.0", "--shards", "3", "--json");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        using var doc = JsonDocument.Parse(lines[0]);
        var root = doc.RootElement;
        Assert.Equal(
            ["model", "hyper", "n", "m", "p", "lambdaCount", "parameterCount", "validationLoss", "trainLoss", "innerGradNorm", "hypergradient", "solver", "shards", "seconds", "phaseSeconds"],
            root.EnumerateObject().Select(p => p.Name));
        var phases = root.GetProperty("phaseSeconds");
        Assert.Equal(["inner", "linearSolve", "crossTerm"], phases.EnumerateObject().Select(p => p.Name));
        Assert.All(phases.EnumerateObject(), p => Assert.True(p.Value.GetDouble() > 0, p.Name));
        Assert.True(phases.EnumerateObject().Sum(p => p.Value.GetDouble()) <= root.GetProperty("seconds").GetDouble());
        Assert.Equal("logistic", root.GetProperty("model").GetString());
        Assert.Equal("l2-feature", root.GetProperty("hyper").GetString());
        Assert.Equal(80, root.GetProperty("n").GetInt32());
        Assert.Equal(40, root.GetProperty("m").GetInt32());
        Assert.Equal(4, root.GetProperty("p").GetInt32());
        Assert.Equal(4, root.GetProperty("lambdaCount").GetInt32());
        Assert.Equal(5, root.GetProperty("parameterCount").GetInt32()); // SPEC §7: for every model
        Assert.Equal(4, root.GetProperty("hypergradient").GetArrayLength());
        Assert.True(root.GetProperty("innerGradNorm").GetDouble() <= 1e-10);
        Assert.Equal("cg", root.GetProperty("solver").GetProperty("name").GetString());
        Assert.True(root.GetProperty("solver").GetProperty("residual").GetDouble() <= 1e-10);
        Assert.Equal(3, root.GetProperty("shards").GetInt32());
        Assert.Contains("rows", r.Stderr); // logs go to stderr
    }

    public static IEnumerable<object[]> Combinations() =>
        from m in new[] { "ridge", "logistic", "softmax" }
        from k in new[] { "l2", "l2-feature", "l2-param", "example-weights" }
        select new object[] { m, k };

    /// <summary>Against tests/reference/hypergrad_reference.py: numpy, dense Hessian, no shared code.</summary>
    [Theory]
    [MemberData(nameof(Combinations))]
    public void Matches_the_independent_numpy_reference(string model, string kind)
    {
        Prerequisite.Require(NumpyInstalled.Value, "numpy (Debian package python3-numpy)");
        var (train, val) = WriteData(model, rows: 60, features: 5, seed: 4);
        string lambda = kind == "example-weights" ? "0.3" : "-1.5";
        var ours = CliRunner.Run("hypergrad", "--model", model, "--hyper", kind, "--train", train, "--val", val,
            "--lambda", lambda, "--l2", "0.01", "--tol", "1e-12", "--json");
        Assert.True(ours.ExitCode == 0, ours.Stderr);
        var reference = RunReference(model, kind, train, val, lambda, "--l2", "0.01");

        using var a = JsonDocument.Parse(ours.Stdout);
        using var b = JsonDocument.Parse(reference);
        string both = $"\nhyperift: {ours.Stdout}\nnumpy:    {reference}";
        foreach (var field in new[] { "validationLoss", "trainLoss" })
        {
            double x = a.RootElement.GetProperty(field).GetDouble(), y = b.RootElement.GetProperty(field).GetDouble();
            Assert.True(Math.Abs(x - y) <= 1e-12 * Math.Max(1, Math.Abs(y)), $"{field}: {x:R} vs {y:R}{both}");
        }
        var g = a.RootElement.GetProperty("hypergradient").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var gRef = b.RootElement.GetProperty("hypergradient").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double error = Numerics.Vec.RelativeError(g, gRef);
        Assert.True(error <= 1e-8, $"{model}/{kind}: relative error {error:E2} against numpy{both}");
    }

    private static readonly Lazy<bool> NumpyInstalled =
        new(() => File.Exists("/usr/bin/python3") && RunPython("-c", "import numpy; numpy.linalg.solve([[2.0]], [1.0])").ExitCode == 0);

    private static string RunReference(params string[] args)
    {
        string script = Path.Combine(CliRunner.RepositoryRoot, "tests", "reference", "hypergrad_reference.py");
        var r = RunPython([script, .. args]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.Stdout;
    }

    private static CliRunner.Result RunPython(params string[] args) =>
        CliRunner.Exec(CliRunner.StartInfo("/usr/bin/python3", args), TimeSpan.FromMinutes(3));
}
