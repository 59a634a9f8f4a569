using HyperIft.Tests;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HyperIft.Cli.Tests;

/// <summary>
/// `hyperift hypergrad --model mlp`, black-box, against tests/reference/mlp_reference.py (PyTorch
/// autograd, SPEC §7): θ* from --theta-out is a stationary point of f, g(θ*) is the JSON's
/// validation loss, and the JSON's hypergradient is -(∂²f/∂λ∂θ)ᵀ H⁻¹ ∇g with H the dense Hessian.
/// </summary>
public class MlpReferenceTests : TempFolderTests
{
    private const int Features = 3, Classes = 3, TrainRows = 60, ValidationRows = 40;
    private const double Lambda = -2.0;
    private const double DefaultL2 = 1e-3; // --l2 is not passed: the fixed strength of hidden biases and of weights where the kind fixes them

    public static readonly string[] Kinds = ["l2", "l2-layer", "l2-feature", "l2-param", "example-weights"];

    public static IEnumerable<object[]> Cases() =>
        from net in new[] { ("4", "tanh"), ("4,3", "softplus") }
        from kind in Kinds
        select new object[] { net.Item1, net.Item2, kind };

    /// <summary>
    /// The seeds tried, in order. --seed 1 is the case; the inner problem is not convex, so where θ*
    /// reached from that initialization is not a strict local minimum (the reference finds an
    /// eigenvalue of H ≤ 0, or CG stops on negative curvature) the IFT says nothing and the next
    /// seed is taken; likewise where H is too ill-conditioned (cond ≥ 1e8) for a 1e-8 comparison.
    /// Deterministic: the same seed is chosen on every run of the same build. (Written before the
    /// CLI's mlp existed, so the seeds could not be pinned per case; in the reference's own runs on
    /// data like this, only softplus [4,3] l2-feature met such minima, and not at every seed.)
    /// </summary>
    private static readonly int[] Seeds = [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Hypergrad_matches_the_pytorch_reference(string hiddenText, string activation, string kind)
    {
        Prerequisite.Require(TorchInstalled.Value, "PyTorch (Debian package python3-torch)");
        int[] hidden = hiddenText.Split(',').Select(int.Parse).ToArray();
        string train = WriteData("train.csv", TrainRows, seed: 21);
        string val = WriteData("val.csv", ValidationRows, seed: 22);
        int d = Dimension(hidden);
        int lambdaCount = LambdaCount(kind, hidden);
        double[] lambda = Enumerable.Repeat(Lambda, lambdaCount).ToArray(); // --lambda is broadcast
        var skipped = new StringBuilder();

        foreach (int seed in Seeds)
        {
            string thetaPath = Temp.PathOf($"theta-{seed}.txt");
            var ours = CliRunner.Run("hypergrad", "--model", "mlp", "--hidden", hiddenText, "--activation", activation,
                "--train", train, "--val", val, "--hyper", kind, "--lambda", Lambda.ToString(CultureInfo.InvariantCulture),
                "--tol", "1e-12", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--theta-out", thetaPath, "--json");
            // SPEC §7: where CG meets pᵀHp ≤ 0 the command fails with exit 1 (no --damping here).
            if (ours.ExitCode == 1 && (ours.Stderr.Contains("curvature", StringComparison.OrdinalIgnoreCase)
                                       || ours.Stderr.Contains("positive definite", StringComparison.OrdinalIgnoreCase)))
            {
                skipped.AppendLine($"seed {seed}: CG met non-positive curvature");
                continue;
            }
            Assert.True(ours.ExitCode == 0, $"seed {seed}: exit {ours.ExitCode}\n{ours.Stderr}");

            using var doc = JsonDocument.Parse(ours.Stdout);
            var json = doc.RootElement;
            Assert.Equal("mlp", json.GetProperty("model").GetString());
            Assert.Equal(kind, json.GetProperty("hyper").GetString());
            Assert.Equal(TrainRows, json.GetProperty("n").GetInt32());
            Assert.Equal(ValidationRows, json.GetProperty("m").GetInt32());
            Assert.Equal(Features, json.GetProperty("p").GetInt32());
            Assert.Equal(lambdaCount, json.GetProperty("lambdaCount").GetInt32());
            Assert.Equal(d, json.GetProperty("parameterCount").GetInt32());
            Assert.Equal(hidden, json.GetProperty("hidden").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(activation, json.GetProperty("activation").GetString());

            double[] theta = File.ReadAllLines(thetaPath).Where(l => l.Trim().Length > 0)
                .Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(d, theta.Length);

            var request = new Dictionary<string, object>
            {
                ["train"] = train,
                ["val"] = val,
                ["hidden"] = hidden,
                ["activation"] = activation,
                ["classes"] = Classes,
                ["hyper"] = kind,
                ["l2"] = DefaultL2,
                ["lambda"] = lambda,
                ["theta"] = theta,
                ["tasks"] = new[] { "loss", "gradient", "validation", "hypergradient" },
            };
            string referenceText = RunReference(Temp.Write($"request-{seed}.json", JsonSerializer.Serialize(request)));
            using var reference = JsonDocument.Parse(referenceText);
            var r = reference.RootElement;
            string both = $"\nseed {seed}\nhyperift: {ours.Stdout}\ntorch:    {referenceText}";

            double minEigenvalue = r.GetProperty("hessianMinEigenvalue").GetDouble();
            double maxEigenvalue = r.GetProperty("hessianMaxEigenvalue").GetDouble();
            // ≤ 0: not a strict local minimum, where the IFT does not apply. Condition number ≥ 1e8: even
            // the dense solve's own rounding (≈ cond·ε) would be near the tolerance, so no solver could be held to it.
            if (minEigenvalue <= 0 || maxEigenvalue / minEigenvalue >= 1e8)
            {
                skipped.AppendLine($"seed {seed}: eigenvalues of H at θ* in [{minEigenvalue:E3}, {maxEigenvalue:E3}]");
                continue;
            }

            Assert.Equal(d, r.GetProperty("parameterCount").GetInt32());
            Assert.Equal(lambdaCount, r.GetProperty("lambdaCount").GetInt32());
            double gradNorm = r.GetProperty("gradientNorm").GetDouble();
            Assert.True(gradNorm <= 1e-9, $"‖∇f(θ*)‖ = {gradNorm:E3} by the reference: θ* is not stationary{both}");
            AssertRelative(json.GetProperty("validationLoss").GetDouble(), r.GetProperty("validationLoss").GetDouble(), 1e-12,
                $"validation loss{both}");
            AssertRelative(json.GetProperty("trainLoss").GetDouble(), r.GetProperty("loss").GetDouble(), 1e-12,
                $"training loss{both}");

            var g = json.GetProperty("hypergradient").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var gRef = r.GetProperty("hypergradient").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(lambdaCount, g.Length);
            double error = Numerics.Vec.RelativeError(g, gRef);
            Assert.True(error <= 1e-8, $"{activation} [{hiddenText}] {kind}: hypergradient relative error {error:E2} against the dense solve{both}");
            Assert.True(Numerics.Vec.Norm(gRef) > 0, $"a zero hypergradient would make this test vacuous{both}");
            return;
        }
        Assert.Fail($"no seed in [{string.Join(", ", Seeds)}] gave a strict local minimum:\n{skipped}");
    }

    private static int Dimension(int[] hidden) => MlpCounts.Dimension(Features, hidden, Classes);

    private static int LambdaCount(string kind, int[] hidden) => MlpCounts.LambdaCount(kind, Features, hidden, Classes, TrainRows);

    /// <summary>
    /// p = 3 features, N(0, 1) plus a shift of 2.5 on the feature of the row's class (with less signal,
    /// λ = −2 (strength 0.135) decays the two-layer softplus net to all-zero weights, a zero hypergradient), labels 0..2 in the
    /// last column (every class present), no header, round-trip precision.
    /// </summary>
    private string WriteData(string name, int rows, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            int label = i < Classes ? i : random.Next(Classes);
            for (int j = 0; j < Features; j++)
            {
                double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                double x = gaussian + (j == label ? 2.5 : 0.0);
                text.Append(x.ToString("R", CultureInfo.InvariantCulture)).Append(',');
            }
            text.Append(label.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return Temp.Write(name, text.ToString());
    }

    private static void AssertRelative(double actual, double expected, double tolerance, string what)
    {
        double error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= tolerance, $"{what}: {actual:R} vs {expected:R}, relative error {error:E3}");
    }

    private static readonly Lazy<bool> TorchInstalled =
        new(() => File.Exists("/usr/bin/python3") && RunPython("-c", "import torch").ExitCode == 0);

    private static string RunReference(string requestPath)
    {
        string script = Path.Combine(CliRunner.RepositoryRoot, "tests", "reference", "mlp_reference.py");
        var r = RunPython(script, requestPath);
        Assert.True(r.ExitCode == 0, $"mlp_reference.py failed:\n{r.Stderr}");
        return r.Stdout;
    }

    private static CliRunner.Result RunPython(params string[] args) =>
        CliRunner.Exec(CliRunner.StartInfo("/usr/bin/python3", args), TimeSpan.FromMinutes(3));
}
