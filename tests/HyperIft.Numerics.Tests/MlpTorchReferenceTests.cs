using HyperIft.Tests;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using HyperIft.Numerics.Objectives;

namespace HyperIft.Numerics.Tests;

/// <summary>
/// The MLP's loss, gradient, HVP, validation loss and gradient and cross term against
/// tests/reference/mlp_reference.py: PyTorch autograd written from SPEC §7, sharing no code.
/// </summary>
public class MlpTorchReferenceTests : TempFolderTests
{
    private const int Features = 6, Classes = 3, TrainRows = 40, ValidationRows = 30;

    /// <summary>Not the default 1e-3, so that a hidden-bias or fixed-weight strength that ignores it shows.</summary>
    private const double FixedL2 = 0.01;

    private const double Tolerance = 1e-10;

    public static readonly string[] Kinds = ["l2", "l2-layer", "l2-feature", "l2-param", "example-weights"];

    public static IEnumerable<object[]> Cases() =>
        from activation in new[] { "tanh", "softplus" }
        from hidden in new[] { "5", "5,4" }
        from kind in Kinds
        select new object[] { activation, hidden, kind };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Matches_the_pytorch_reference(string activation, string hiddenText, string kind)
    {
        Prerequisite.Require(TorchInstalled.Value, "PyTorch (Debian package python3-torch)");
        int[] hidden = hiddenText.Split(',').Select(int.Parse).ToArray();
        int seed = 11 * hidden.Length + Array.IndexOf(Kinds, kind) + (activation == "tanh" ? 0 : 100);
        var random = new Random(seed);
        var (xTrain, yTrain) = Data(random, TrainRows);
        var (xVal, yVal) = Data(random, ValidationRows);

        var model = new MlpModel(features: Features, hidden: hidden, classes: Classes,
            activation: activation == "tanh" ? Activation.Tanh : Activation.Softplus);
        int d = model.Layout.Dimension;
        Assert.Equal(Dimension(hidden), d);
        Hyperparameter hyper = HyperparameterKinds.Create(kind, model.Layout, trainingRows: TrainRows, fixedL2: FixedL2);
        Assert.Equal(LambdaCount(kind, hidden), hyper.Count);
        var problem = new BilevelProblem(model, hyper,
            new DataBlock(xTrain, yTrain, Features), new DataBlock(xVal, yVal, Features));

        double[] theta = Normal(random, d, 0.5);
        double[] v = Normal(random, d, 1.0);
        double[] lambda = Normal(random, hyper.Count, 0.5).Select(x => x - 2.0).ToArray();

        var request = new Dictionary<string, object>
        {
            ["train"] = WriteCsv("train.csv", xTrain, yTrain),
            ["val"] = WriteCsv("val.csv", xVal, yVal),
            ["hidden"] = hidden,
            ["activation"] = activation,
            ["classes"] = Classes,
            ["hyper"] = kind,
            ["l2"] = FixedL2,
            ["lambda"] = lambda,
            ["theta"] = theta,
            ["v"] = v,
            ["tasks"] = new[] { "loss", "gradient", "hvp", "cross", "validation" },
        };
        using var reference = JsonDocument.Parse(RunReference(Temp.Write("request.json", JsonSerializer.Serialize(request))));
        var r = reference.RootElement;
        Assert.Equal(d, r.GetProperty("parameterCount").GetInt32());
        Assert.Equal(hyper.Count, r.GetProperty("lambdaCount").GetInt32());

        // One shard as the brief's API, and three, so that the sums over shards (and the example
        // weights' rows, which each shard owns a slice of) are checked against the same reference.
        foreach (int shards in new[] { 1, 3 })
        {
            string what = $"{activation} [{hiddenText}] {kind}, {shards} shard(s)";
            IBilevelObjective objective = new LocalObjective(problem, shards: shards);
            var (loss, grad) = await objective.TrainLossGrad(theta, lambda);
            double[] hv = await objective.TrainHvp(v);
            double[] cross = await objective.CrossTerm(v);
            var (gLoss, gGrad) = await objective.ValLossGrad(theta);

            AssertClose(loss, r.GetProperty("loss").GetDouble(), $"{what}: loss");
            TestProblems.AssertRelative(grad, Values(r, "gradient"), Tolerance, $"{what}: gradient");
            TestProblems.AssertRelative(hv, Values(r, "hvp"), Tolerance, $"{what}: HVP");
            TestProblems.AssertRelative(cross, Values(r, "cross"), Tolerance, $"{what}: cross term");
            AssertClose(gLoss, r.GetProperty("validationLoss").GetDouble(), $"{what}: validation loss");
            TestProblems.AssertRelative(gGrad, Values(r, "validationGradient"), Tolerance, $"{what}: validation gradient");
        }
    }

    private static int Dimension(int[] hidden) => MlpCounts.Dimension(Features, hidden, Classes);

    private static int LambdaCount(string kind, int[] hidden) => MlpCounts.LambdaCount(kind, Features, hidden, Classes, TrainRows);

    /// <summary>Rows with some class signal: x = N(0, 1) plus a class-dependent shift, labels 0..C−1.</summary>
    private static (double[] X, double[] Y) Data(Random random, int rows)
    {
        var x = new double[rows * Features];
        var y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            int label = i < Classes ? i : random.Next(Classes); // every class present
            y[i] = label;
            for (int j = 0; j < Features; j++)
                x[i * Features + j] = Gaussian(random) + (j % Classes == label ? 1.0 : 0.0);
        }
        return (x, y);
    }

    private static double[] Normal(Random random, int count, double sd) =>
        Enumerable.Range(0, count).Select(_ => sd * Gaussian(random)).ToArray();

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private string WriteCsv(string name, double[] x, double[] y)
    {
        var text = new StringBuilder();
        for (int i = 0; i < y.Length; i++)
        {
            for (int j = 0; j < Features; j++) text.Append(x[i * Features + j].ToString("R", CultureInfo.InvariantCulture)).Append(',');
            text.Append(((int)y[i]).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return Temp.Write(name, text.ToString());
    }

    private static double[] Values(JsonElement root, string name) =>
        root.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static void AssertClose(double actual, double expected, string what)
    {
        double error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= Tolerance, $"{what}: {actual:R} vs {expected:R}, relative error {error:E3}");
    }

    private static readonly Lazy<bool> TorchInstalled =
        new(() => File.Exists("/usr/bin/python3") && Python("-c", "import torch").ExitCode == 0);

    private static string RunReference(string requestPath)
    {
        var (exitCode, stdout, stderr) = Python(Path.Combine(RepositoryRoot(), "tests", "reference", "mlp_reference.py"), requestPath);
        Assert.True(exitCode == 0, $"mlp_reference.py failed:\n{stderr}");
        return stdout;
    }

    private static (int ExitCode, string Stdout, string Stderr) Python(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python3 {string.Join(' ', args)} did not finish within 3 minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orleans.HyperIft.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
