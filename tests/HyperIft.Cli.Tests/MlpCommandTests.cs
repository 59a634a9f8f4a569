using System.Globalization;
using System.Text.Json;

namespace HyperIft.Cli.Tests;

/// <summary>The network through the console (SPEC §7): its flags, θ files in and out, and its bad input.</summary>
public class MlpCommandTests : TempFolderTests
{
    private const string Data = "synthetic:n=200,p=5,c=3,seed=4";

    private static CliRunner.Result Hypergrad(params string[] more) =>
        CliRunner.Run(["hypergrad", "--model", "mlp", "--train", Data, "--json", .. more]);

    private static double[] Values(string file) =>
        File.ReadAllLines(file).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void Theta_out_is_theta_star_and_init_from_it_starts_at_the_optimum()
    {
        string theta = Temp.PathOf("theta.txt");
        var r = Hypergrad("--hidden", "6,4", "--activation", "softplus", "--lambda", "-3", "--seed", "2", "--theta-out", theta);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var root = json.RootElement;
        int parameters = 5 * 6 + 6 + 6 * 4 + 4 + 4 * 3 + 2;
        Assert.Equal(parameters, root.GetProperty("parameterCount").GetInt32());
        Assert.Equal([6, 4], root.GetProperty("hidden").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("softplus", root.GetProperty("activation").GetString());
        Assert.False(root.TryGetProperty("damping", out _));
        Assert.Equal(parameters, Values(theta).Length);

        // Started at θ*, the inner solve has nothing left to do: the same point and validation loss.
        var again = Hypergrad("--hidden", "6,4", "--activation", "softplus", "--lambda", "-3", "--init", theta, "--theta-out", Temp.PathOf("again.txt"));
        Assert.True(again.ExitCode == 0, again.Stderr);
        using var second = JsonDocument.Parse(again.Stdout);
        Assert.Equal(root.GetProperty("validationLoss").GetDouble(), second.RootElement.GetProperty("validationLoss").GetDouble(), 1e-12);
        var a = Values(theta);
        var b = Values(Temp.PathOf("again.txt"));
        Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) < 1e-9);

        // Another seed is another start: another local minimum.
        var other = Hypergrad("--hidden", "6,4", "--activation", "softplus", "--lambda", "-3", "--seed", "3");
        Assert.True(other.ExitCode == 0, other.Stderr);
        using var third = JsonDocument.Parse(other.Stdout);
        Assert.NotEqual(root.GetProperty("validationLoss").GetDouble(), third.RootElement.GetProperty("validationLoss").GetDouble());
    }

    [Fact]
    public void Damping_is_reported_in_the_json()
    {
        var r = Hypergrad("--hidden", "4", "--lambda", "-2", "--damping", "0.01");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        Assert.Equal(0.01, json.RootElement.GetProperty("damping").GetDouble());
    }

    [Fact]
    public void Tune_writes_theta_txt_for_every_model()
    {
        foreach (var (model, more) in new[] { ("mlp", new[] { "--hidden", "4" }), ("logistic", Array.Empty<string>()) })
        {
            string output = Temp.PathOf($"run-{model}");
            string train = model == "mlp" ? Data : "synthetic:n=200,p=5,seed=4";
            var r = CliRunner.Run(["tune", "--model", model, "--train", train, "--steps", "2", "--lambda", "-2", "--output", output, "--json", .. more]);
            Assert.True(r.ExitCode == 0, r.Stderr);
            using var json = JsonDocument.Parse(r.Stdout);
            Assert.Equal(json.RootElement.GetProperty("parameterCount").GetInt32(), Values(Path.Combine(output, "theta.txt")).Length);
        }
    }

    [Theory]
    [InlineData("--hidden", "256,x", "--hidden: '256,x' is not a comma-separated list of positive integers")]
    [InlineData("--hidden", "0", "--hidden: '0' is not a comma-separated list of positive integers")]
    [InlineData("--hidden", "-5", "--hidden")]
    [InlineData("--damping", "0", "--damping")]
    [InlineData("--damping", "-1", "--damping")]
    [InlineData("--activation", "relu", "--activation 'relu' is not one of: tanh, softplus")]
    public void Bad_flags_are_refused_naming_the_flag(string flag, string value, string expected) =>
        CliAssert.BadInput(flag == "--hidden" ? Hypergrad(flag, value) : Hypergrad("--hidden", "4", flag, value), expected);

    [Fact]
    public void Network_flags_on_a_linear_model_and_jacobi_on_a_network_are_refused()
    {
        CliAssert.BadInput(CliRunner.Run("hypergrad", "--model", "softmax", "--train", Data, "--hidden", "4"), "--hidden applies to a network");
        CliAssert.BadInput(Hypergrad("--hidden", "4", "--jacobi"), "--jacobi");
    }

    [Fact]
    public void Init_and_lambda_files_of_the_wrong_length_or_content_name_the_file_and_line()
    {
        var shortInit = Temp.Write("short.txt", "0.1\n0.2\n");
        CliAssert.BadInput(Hypergrad("--hidden", "4", "--init", shortInit), shortInit, "has 2 values; θ of this mlp has 38");
        var nanInit = Temp.Write("nan.txt", "0.1\nnan\n");
        CliAssert.BadInput(Hypergrad("--hidden", "4", "--init", nanInit), $"{nanInit}:2:", "NaN");
        var lambda = Temp.Write("lam.txt", "-1\n-2\n");
        CliAssert.BadInput(Hypergrad("--hidden", "4", "--hyper", "l2-param", "--lambda-file", lambda), lambda, "has 2 values; l2-param needs 32");
    }
}
