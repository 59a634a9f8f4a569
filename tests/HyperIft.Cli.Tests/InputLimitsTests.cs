using System.Diagnostics;

namespace HyperIft.Cli.Tests;

/// <summary>Inputs the hardening pass found answered with a wrong result, an internal error or a hang.</summary>
public class InputLimitsTests : TempFolderTests
{
    [Fact]
    public void A_lambda_whose_strength_overflows_is_a_failed_computation_not_a_NaN_result()
    {
        var r = CliRunner.Run("hypergrad", "--model", "logistic", "--train", "synthetic:n=200,p=5", "--lambda", "800", "--json");
        CliAssert.Fails(r, 1, "the computation failed", "not finite", "e^λ overflows");
    }

    [Fact]
    public void Shards_are_bounded_by_a_maximum_and_by_the_training_rows()
    {
        var clock = Stopwatch.StartNew();
        CliAssert.BadInput(CliRunner.Run("hypergrad", "--model", "ridge", "--train", "synthetic:n=70,p=3", "--shards", "1000000"),
            "--shards must be at most 1024");
        CliAssert.BadInput(CliRunner.Run("hypergrad", "--model", "ridge", "--train", "synthetic:n=70,p=3", "--shards", "100"),
            "--shards 100 is more than the 70 training rows");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("", "a run id cannot be empty")]
    [InlineData("../../x", "may hold only letters")]
    [InlineData("bell\u0007id", "bell\\u0007id")]
    public void Run_ids_are_validated_before_anything_runs(string runId, string message)
    {
        string output = Temp.PathOf("out");
        var r = CliRunner.Run("tune", "--model", "ridge", "--train", "synthetic:n=50,p=3", "--run-id", runId, "--steps", "1", "--output", output);
        CliAssert.BadInput(r, "--run-id", message);
        Assert.DoesNotContain("\u0007", r.Stderr);
        Assert.False(Directory.Exists(output));
        CliAssert.BadInput(CliRunner.Run("runs", "show", runId, "--cluster", "localhost:1"), message);
    }

    [Fact]
    public void A_config_that_cannot_be_read_is_bad_input()
    {
        string folder = Directory.CreateDirectory(Temp.PathOf("config.json")).FullName;
        CliAssert.BadInput(CliRunner.Run("hypergrad", "--config", folder), $"{folder}: is a folder, not a file");
    }

    [Fact]
    public void The_exact_solver_over_its_dimension_is_refused_before_any_solve()
    {
        // softmax l2-param: 500 features × 10 classes + 9 intercepts = 5009 parameters > 4000.
        string[] problem = ["--model", "softmax", "--hyper", "l2-param", "--train", "synthetic:n=300,p=500,c=10", "--solver", "exact"];
        CliAssert.BadInput(CliRunner.Run(["hypergrad", .. problem]), "--solver exact forms a dense 5009×5009 Hessian");
        var tune = CliRunner.Run(["tune", .. problem, "--steps", "2", "--output", Temp.PathOf("exact")]);
        CliAssert.BadInput(tune, "--solver exact");
        Assert.DoesNotContain("step ", tune.Stderr);
    }

    [Fact]
    public void Secrets_in_a_cluster_connection_string_are_never_printed()
    {
        var r = CliRunner.Run("runs", "list", "--cluster", "127.0.0.1:1,password=hunter2,abortConnect=false");
        CliAssert.Fails(r, 3, "cannot reach the cluster's Redis at 127.0.0.1:1");
        Assert.DoesNotContain("hunter2", r.Stderr);
    }

    [Theory]
    [InlineData("127.0.0.1:6379,password=s3cret,ssl=true", "127.0.0.1:6379,password=***,ssl=true")]
    [InlineData("redis:6380,user=admin,Password = p@ss;word", "redis:6380,user=***,Password=***")]
    [InlineData("host:6379,password=my secret's,ssl=true", "host:6379,password=***,ssl=true")]
    [InlineData("no secrets here", "no secrets here")]
    public void Redaction_masks_user_and_password(string text, string expected) =>
        Assert.Equal(expected, Abstractions.Redaction.Redact(text));
}
