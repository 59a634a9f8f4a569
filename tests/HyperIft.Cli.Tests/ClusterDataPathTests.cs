using System.Text.Json;
using HyperIft.Abstractions;
using HyperIft.Data;

namespace HyperIft.Cli.Tests;

/// <summary>
/// Data files named on the client's command line are the client's files, wherever the silos run:
/// a relative path must not resolve in a silo's working directory, which may hold another file of
/// the same name.
/// </summary>
public class ClusterDataPathTests(SiloProcess silo) : TempFolderTests, IClassFixture<SiloProcess>
{
    [Fact]
    public void Relative_paths_name_the_clients_files_on_a_cluster()
    {
        var (train, val) = SyntheticData.Generate("logistic", new SyntheticSpec(60, 3, Seed: 1));
        var (_, otherVal) = SyntheticData.Generate("logistic", new SyntheticSpec(60, 3, Seed: 2));
        CliRunner.WriteCsv(Temp.PathOf("train.csv"), train);
        CliRunner.WriteCsv(Temp.PathOf("val.csv"), val);
        CliRunner.WriteCsv(Path.Combine(silo.WorkingDirectory, "train.csv"), train);
        CliRunner.WriteCsv(Path.Combine(silo.WorkingDirectory, "val.csv"), otherVal);
        string[] args = ["hypergrad", "--model", "logistic", "--train", "train.csv", "--val", "val.csv", "--lambda", "-1", "--json"];

        double embedded = ValidationLoss(CliRunner.RunIn(Temp.Root, args));
        double onCluster = ValidationLoss(CliRunner.RunIn(Temp.Root, [.. args, "--cluster", silo.Cluster]));
        double siloFiles = ValidationLoss(CliRunner.RunIn(silo.WorkingDirectory, args));
        Assert.NotEqual(embedded, siloFiles); // the two val.csv files do differ
        Assert.Equal(embedded, onCluster, 12);
    }

    [Fact]
    public async Task A_silo_refuses_a_file_other_than_the_one_the_client_measured()
    {
        var (train, val) = SyntheticData.Generate("logistic", new SyntheticSpec(40, 3, Seed: 3));
        string trainPath = CliRunner.WriteCsv(Temp.PathOf("t.csv"), train);
        string valPath = CliRunner.WriteCsv(Temp.PathOf("v.csv"), val);
        DataSpec Data(string path, bool validation) =>
            new(path, validation ? DataPart.Validation : DataPart.Train, "logistic", null, null, SourceFiles.Fingerprint(path));
        var spec = new ProblemSpec("logistic", "l2", Data(trainPath, false), Data(valPath, false), null, true, false, 1e-3, 1);
        File.AppendAllText(valPath, "0.5,0.5,0.5,1\n"); // changed after the client measured it

        await using var cluster = await ClusterConnection.Open(silo.Cluster, CancellationToken.None);
        var changed = await Assert.ThrowsAsync<ProblemInputException>(() =>
            cluster.Grains.GetGrain<ICoordinatorGrain>($"changed-{Guid.NewGuid():N}").Configure(spec));
        Assert.StartsWith($"{valPath} on silo S", changed.Message);
        Assert.Contains(": is not the file the client measured (here ", changed.Message);
        Assert.EndsWith("; the silos must see the same files as the client", changed.Message);

        File.Delete(valPath);
        var missing = await Assert.ThrowsAsync<ProblemInputException>(() =>
            cluster.Grains.GetGrain<ICoordinatorGrain>($"missing-{Guid.NewGuid():N}").Configure(spec));
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(valPath)} on silo S.*: file not found; the silos must see the same files as the client$", missing.Message);
    }

    private static double ValidationLoss(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.GetProperty("validationLoss").GetDouble();
    }
}
