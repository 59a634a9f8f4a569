namespace HyperIft.Cli.Tests;

/// <summary>Finished work is never thrown away, and a user's files are never overwritten.</summary>
public class ResultsFolderTests : TempFolderTests
{
    private static readonly string[] SmallRun = ["tune", "--model", "logistic", "--hyper", "l2-feature", "--train", "synthetic:n=300,p=4,seed=1", "--steps", "2"];

    [Fact]
    public void A_folder_of_someone_elses_files_is_refused_even_with_overwrite()
    {
        string output = Directory.CreateDirectory(Temp.PathOf("mine")).FullName;
        File.WriteAllText(Path.Combine(output, "lambda.txt"), "my own λ\n");
        File.WriteAllText(Path.Combine(output, "history.csv"), "my own history\n");
        foreach (var overwrite in new[] { false, true })
        {
            var r = CliRunner.Run([.. SmallRun, "--output", output, .. overwrite ? new[] { "--overwrite" } : []]);
            CliAssert.BadInput(r, "is not empty and holds no run of ours");
        }
        Assert.Equal("my own λ\n", File.ReadAllText(Path.Combine(output, "lambda.txt")));
        Assert.Equal("my own history\n", File.ReadAllText(Path.Combine(output, "history.csv")));
    }

    [Fact]
    public void An_empty_folder_is_used_and_a_folder_of_ours_needs_overwrite()
    {
        string output = Directory.CreateDirectory(Temp.PathOf("empty")).FullName;
        Assert.Equal(0, CliRunner.Run([.. SmallRun, "--output", output]).ExitCode);
        CliAssert.BadInput(CliRunner.Run([.. SmallRun, "--output", output]), "already holds a run");
        Assert.Equal(0, CliRunner.Run([.. SmallRun, "--output", output, "--overwrite"]).ExitCode);
    }

    [Fact]
    public void A_folder_that_cannot_be_written_is_found_before_the_first_step()
    {
        string file = Temp.PathOf("a-file");
        File.WriteAllText(file, "");
        var r = CliRunner.Run([.. SmallRun, "--output", Path.Combine(file, "results")]);
        CliAssert.BadInput(r, "cannot write the results folder");
        Assert.DoesNotContain("step ", r.Stderr);
    }

    [Fact]
    public void A_test_set_with_the_wrong_feature_count_is_found_before_the_first_step()
    {
        string test = Temp.PathOf("test.csv");
        File.WriteAllText(test, "1,2,0\n3,4,1\n");
        string output = Temp.PathOf("scored");
        var r = CliRunner.Run([.. SmallRun, "--test", test, "--output", output]);
        CliAssert.BadInput(r, test, "has 2 features, the training set");
        Assert.DoesNotContain("step ", r.Stderr);
        Assert.False(File.Exists(Path.Combine(output, "result.json")));
    }

    [Fact]
    public void Results_that_cannot_be_written_at_the_end_are_printed_not_lost()
    {
        string output = Temp.PathOf("vanishing");
        using var cli = CliProcess.Start("tune", "--model", "softmax", "--hyper", "l2-feature", "--train", "synthetic:n=20000,p=30,c=4,seed=2",
            "--steps", "12", "--output", output);
        Assert.True(cli.WaitFor("step    1/", TimeSpan.FromMinutes(2)), cli.Stderr);
        // The folder is replaced by a file while the run goes on: nothing can be written there at the end.
        Directory.Delete(output, recursive: true);
        File.WriteAllText(output, "");
        var r = cli.Wait(TimeSpan.FromMinutes(3));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("its results could not be written", r.Stderr);
        var lambda = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => double.Parse(l, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(30, lambda.Length);
    }
}
