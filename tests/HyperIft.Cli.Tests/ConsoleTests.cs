using System.Diagnostics;
using System.Text.Json;

namespace HyperIft.Cli.Tests;

/// <summary>The rest of the console: config files, data inspection, results folders, failures.</summary>
public class ConsoleTests : TempFolderTests
{
    [Fact]
    public void A_config_file_holds_the_same_settings_as_flags_and_flags_win()
    {
        var config = Temp.Write("run.json", """
            {
              // comments are allowed
              "model": "logistic",
              "hyper": "l2-feature",
              "train": "synthetic:n=400,p=5,seed=8",
              "steps": 50,
              "outer-lr": 0.2,
              "json": true
            }
            """);
        var fromFile = CliRunner.Run("tune", "--config", config, "--steps", "3", "--output", Temp.PathOf("a"));
        var fromFlags = CliRunner.Run("tune", "--model", "logistic", "--hyper", "l2-feature", "--train", "synthetic:n=400,p=5,seed=8",
            "--steps", "3", "--outer-lr", "0.2", "--json", "--output", Temp.PathOf("b"));
        Assert.True(fromFile.ExitCode == 0, fromFile.Stderr);
        Assert.True(fromFlags.ExitCode == 0, fromFlags.Stderr);
        using var a = JsonDocument.Parse(fromFile.Stdout);
        using var b = JsonDocument.Parse(fromFlags.Stdout);
        Assert.Equal(3, a.RootElement.GetProperty("steps").GetInt32());
        Assert.Equal(b.RootElement.GetProperty("lambda").GetRawText(), a.RootElement.GetProperty("lambda").GetRawText());
    }

    [Theory]
    [InlineData("{\n \"model\": \"ridge\",\n \"learning-rate\": 0.1\n}", 3, "unknown key 'learning-rate'")]
    [InlineData("{\n \"model\": \"ridge\",\n \"steps\": true\n}", 3, "'steps' must be a string or a number")]
    [InlineData("{\n \"model\": \"ridge\",\n", 3, "is not valid JSON")]
    public void Bad_config_files_name_file_and_line(string content, int line, string expected)
    {
        var config = Temp.Write("bad.json", content);
        var r = CliRunner.Run("tune", "--config", config);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{config}:{line}: {expected}", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void Data_inspect_reports_shape_labels_sparsity_and_non_finite_cells()
    {
        var csv = Temp.Write("d.csv", "a,b,c,y\n0,1,nan,2\n0,0,inf,0\n3,0,1,1\n");
        var r = CliRunner.Run("data", "inspect", csv, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var s = doc.RootElement;
        Assert.Equal(3, s.GetProperty("rows").GetInt32());
        Assert.Equal(3, s.GetProperty("features").GetInt32());
        Assert.Equal("[0,1,2]", s.GetProperty("labels").GetRawText());
        Assert.Equal(4.0 / 9.0, s.GetProperty("zeroFraction").GetDouble(), 1e-15);
        Assert.Equal(1, s.GetProperty("nanCount").GetInt32());
        Assert.Equal(1, s.GetProperty("infCount").GetInt32());
        var human = CliRunner.Run("data", "inspect", csv);
        Assert.Contains("NaN / Inf  1 / 1", human.Stdout);
        var missing = CliRunner.Run("data", "inspect", Temp.PathOf("none.csv"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("none.csv: file not found", missing.Stderr);
    }

    [Fact]
    public void Data_inspect_reports_storage_and_density()
    {
        var svm = Temp.Write("d.svm", "1 2:0.5 9:1\n0 1:2\n1\n");
        var r = CliRunner.Run("data", "inspect", svm, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var s = doc.RootElement;
        Assert.Equal(9, s.GetProperty("features").GetInt32());
        Assert.Equal("sparse", s.GetProperty("storage").GetString());
        Assert.Equal(3, s.GetProperty("storedValues").GetInt64());
        Assert.Equal(3.0 / 27.0, s.GetProperty("density").GetDouble(), 1e-15);
        Assert.Equal(3 * 12 + 4 * 4, s.GetProperty("storedBytes").GetInt64());
        Assert.Contains("storage    sparse, 3 stored values", CliRunner.Run("data", "inspect", svm).Stdout);

        var csv = Temp.Write("d.csv", "a,b,c,y\n0,1,0,2\n0,0,0,0\n");
        using var dense = JsonDocument.Parse(CliRunner.Run("data", "inspect", csv, "--json").Stdout);
        Assert.Equal(("dense", 6L), (dense.RootElement.GetProperty("storage").GetString(), dense.RootElement.GetProperty("storedValues").GetInt64()));
        using var sparse = JsonDocument.Parse(CliRunner.Run("data", "inspect", csv, "--sparse", "--json").Stdout);
        Assert.Equal(("sparse", 1L), (sparse.RootElement.GetProperty("storage").GetString(), sparse.RootElement.GetProperty("storedValues").GetInt64()));
        Assert.Equal(5.0 / 6.0, sparse.RootElement.GetProperty("zeroFraction").GetDouble(), 1e-15);
    }

    [Fact]
    public void Results_folder_holds_results_history_lambda_and_real_plots()
    {
        string output = Temp.PathOf("run");
        var r = CliRunner.Run("tune", "--model", "softmax", "--hyper", "l2-feature", "--train", "synthetic:n=600,p=6,c=3,seed=5",
            "--test", "synthetic:n=600,p=6,c=3,seed=5", "--steps", "5", "--outer-lr", "0.2", "--output", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("test (synthetic:softmax:test): loss", r.Stdout);
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "result.json")));
        var root = result.RootElement;
        Assert.Equal("completed", root.GetProperty("status").GetString());
        Assert.InRange(root.GetProperty("test").GetProperty("accuracy").GetDouble(), 0.34, 1.0);
        Assert.Equal(6, root.GetProperty("lambda").GetArrayLength());
        Assert.InRange(root.GetProperty("bestStep").GetInt32(), 0, 5);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(output, "history.csv")).Length);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(output, "lambda.txt")).Length);
        foreach (var png in new[] { "validation_loss.png", "lambda.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(output, png));
            Assert.True(bytes.Length > 5000, $"{png} has only {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            int width = (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
            Assert.Equal(800, width);
        }
    }

    [Fact]
    public void A_run_whose_solver_fails_ends_failed_with_a_reason_and_its_last_good_lambda()
    {
        string output = Temp.PathOf("failed");
        // e^800 overflows: the training loss is not finite, which the inner solver reports.
        var r = CliRunner.Run("tune", "--model", "ridge", "--hyper", "l2", "--train", "synthetic:n=200,p=3", "--lambda", "800",
            "--steps", "3", "--output", output);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("failed", r.Stderr);
        Assert.Contains("not finite", r.Stderr);
        Assert.Equal("800", File.ReadAllLines(Path.Combine(output, "lambda.txt")).Single());
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "result.json")));
        Assert.Equal("failed", result.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void An_unreachable_cluster_is_exit_code_3_within_30_seconds()
    {
        var clock = Stopwatch.StartNew();
        var r = CliRunner.Run("hypergrad", "--model", "ridge", "--train", "synthetic", "--cluster", "localhost:1");
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("cannot reach the cluster 'localhost:1'", r.Stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void Bench_reports_one_row_per_shard_count_with_plausible_numbers()
    {
        var r = CliRunner.Run("bench", "--model", "logistic", "--train", "synthetic:n=2000,p=10", "--lambda", "-2",
            "--shard-counts", "1,3", "--repeat", "1", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var runs = doc.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal([1, 3], runs.Select(x => x.GetProperty("shards").GetInt32()));
        Assert.All(runs, x =>
        {
            Assert.True(x.GetProperty("hessianProducts").GetInt32() > 0);
            Assert.True(x.GetProperty("inProcessSeconds").GetDouble() > 0);
            Assert.True(x.GetProperty("grainsSeconds").GetDouble() > 0);
        });
    }

    [Fact]
    public void Detach_without_a_cluster_is_refused()
    {
        var r = CliRunner.Run("tune", "--model", "ridge", "--train", "synthetic", "--detach");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--detach needs a cluster", r.Stderr);
    }
}
