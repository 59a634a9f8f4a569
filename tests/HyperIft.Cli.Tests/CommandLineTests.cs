using System.Text.Json;

namespace HyperIft.Cli.Tests;

/// <summary>The command tree's help and parse errors, and the JSON records' field order and non-finite numbers.</summary>
public class CommandLineTests
{
    [Theory]
    [InlineData("runs", "runs show", "runs cancel")]
    [InlineData("data", "data inspect", "data inspect")]
    public void A_group_lists_its_commands(string group, string first, string last)
    {
        var help = CliRunner.Run(group, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains(first, help.Stdout);
        Assert.Contains(last, help.Stdout);
        var bare = CliRunner.Run(group);
        Assert.Equal(2, bare.ExitCode);
        Assert.Contains(first, bare.Stderr);
    }

    [Fact]
    public void No_arguments_is_usage_on_stderr()
    {
        var r = CliRunner.Run();
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("usage: hyperift COMMAND", r.Stderr);
    }

    [Theory]
    [InlineData("--json=1", "option '--json' takes no value")]
    [InlineData("--model=ridge", "option '--model' is given twice")]
    [InlineData("--tol", "option '--tol' needs a value (TOL)")]
    public void Parse_errors_are_one_line_naming_the_option(string option, string expected) =>
        CliAssert.BadInput(CliRunner.Run("hypergrad", "--model", "ridge", "--train", "synthetic", option), expected);

    [Fact]
    public void A_missing_required_option_or_argument_is_named() =>
        CliAssert.BadInput(CliRunner.Run("hypergrad", "--train", "synthetic"), "'hypergrad' needs --model");

    [Fact]
    public void Result_json_fields_keep_the_spec_order_and_non_finite_numbers_are_written()
    {
        var result = new ResultJson
        {
            Model = "ridge", Hyper = "l2", N = 1, M = 1, P = 1, LambdaCount = 1, ValidationLoss = double.NaN, TrainLoss = double.PositiveInfinity,
            InnerGradNorm = 0, Hypergradient = [double.NegativeInfinity], Solver = new SolverJson("cg", 1, 0), Shards = 1, Seconds = 0,
            Lambda = new[] { 0.0 }, Steps = 1, BestStep = 0, Output = "/out", RunId = "r", Status = "failed", Reason = "why",
            Test = new TestJson("t", 1, 0, null, 0), Settings = new SettingsJson("adam", 0.1, "constant", "cg", 1e-10, "a", "b", false, 0, 0),
        };
        using var doc = JsonDocument.Parse(CliJson.Write(result, CliJson.Types.ResultJson));
        Assert.Equal(
            ["model", "hyper", "n", "m", "p", "lambdaCount", "validationLoss", "trainLoss", "innerGradNorm", "hypergradient", "solver", "shards", "seconds",
             "lambda", "steps", "bestStep", "output", "runId", "status", "reason", "test", "settings"],
            doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("NaN", doc.RootElement.GetProperty("validationLoss").GetString());
        Assert.Equal("[\"-Infinity\"]", doc.RootElement.GetProperty("hypergradient").GetRawText());
        Assert.Equal(["source", "rows", "loss", "rmse"], doc.RootElement.GetProperty("test").EnumerateObject().Select(p => p.Name));

        using var failed = JsonDocument.Parse(CliJson.Write(new ResultJson { Lambda = "/out/lambda.txt", Steps = 0 }, CliJson.Types.ResultJson));
        Assert.Equal("{\"lambda\":\"/out/lambda.txt\",\"steps\":0}", failed.RootElement.GetRawText());
    }
}
