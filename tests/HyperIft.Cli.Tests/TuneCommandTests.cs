using System.Globalization;
using System.Text.Json;

namespace HyperIft.Cli.Tests;

public class TuneCommandTests : TempFolderTests
{
    [Fact]
    public void Tune_writes_a_results_folder_whose_lambda_reloads_to_the_same_validation_loss()
    {
        string output = Temp.PathOf("run");
        var r = CliRunner.Run("tune", "--model", "logistic", "--hyper", "l2-feature", "--train", "synthetic:n=300,p=8,seed=3",
            "--lambda", "0", "--steps", "8", "--optimizer", "adam", "--outer-lr", "0.2", "--output", output, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var summary = JsonDocument.Parse(r.Stdout);
        var root = summary.RootElement;
        Assert.Equal(8, root.GetProperty("steps").GetInt32());
        Assert.Equal(Path.GetFullPath(output), root.GetProperty("output").GetString());
        var lambda = root.GetProperty("lambda").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(8, lambda.Length);

        var history = File.ReadAllLines(Path.Combine(output, "history.csv"));
        Assert.Equal(9, history.Length);
        double firstLoss = double.Parse(history[1].Split(',')[1], CultureInfo.InvariantCulture);
        double finalLoss = root.GetProperty("validationLoss").GetDouble();
        Assert.True(finalLoss < firstLoss, $"validation loss {firstLoss} → {finalLoss}");

        string lambdaFile = Path.Combine(output, "lambda.txt");
        Assert.Equal(lambda, File.ReadAllLines(lambdaFile).Select(l => double.Parse(l, CultureInfo.InvariantCulture)));
        using var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "result.json")));
        Assert.Equal(finalLoss, saved.RootElement.GetProperty("validationLoss").GetDouble());

        var again = CliRunner.Run("hypergrad", "--model", "logistic", "--hyper", "l2-feature", "--train", "synthetic:n=300,p=8,seed=3",
            "--lambda-file", lambdaFile, "--json");
        Assert.True(again.ExitCode == 0, again.Stderr);
        using var check = JsonDocument.Parse(again.Stdout);
        Assert.Equal(finalLoss, check.RootElement.GetProperty("validationLoss").GetDouble(), 1e-12);

        var refused = CliRunner.Run("tune", "--model", "logistic", "--train", "synthetic", "--steps", "1", "--output", output);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("already holds a run", refused.Stderr);
    }
}
