namespace HyperIft.Cli.Tests;

/// <summary>SIGTERM (as sent by `timeout`, systemd or Kubernetes) is handled like Ctrl-C without a terminal.</summary>
public class SignalTests(SiloProcess silo) : TempFolderTests, IClassFixture<SiloProcess>
{
    private static string[] LongRun(string runId) =>
        ["tune", "--model", "softmax", "--hyper", "l2-feature", "--train", "synthetic:n=20000,p=30,c=4,seed=4", "--steps", "300", "--run-id", runId];

    [Fact]
    public void Sigterm_cancels_a_run_on_the_embedded_silo_and_exits_143()
    {
        string runId = $"term-embedded-{Guid.NewGuid():N}"[..24];
        using var cli = CliProcess.Start([.. LongRun(runId), "--output", Temp.PathOf("embedded")]);
        Assert.True(cli.WaitFor("step    1/", TimeSpan.FromMinutes(2)), cli.Stderr);
        cli.Signal(CliProcess.SIGTERM);
        var r = cli.Wait(TimeSpan.FromSeconds(40));
        Assert.Equal(143, r.ExitCode);
        Assert.Contains($"run {runId} cancelled", r.Stderr);
    }

    [Fact]
    public void Sigterm_detaches_from_a_run_on_a_cluster_which_goes_on()
    {
        string runId = $"term-cluster-{Guid.NewGuid():N}"[..24];
        using var cli = CliProcess.Start([.. LongRun(runId), "--output", Temp.PathOf("cluster"), "--cluster", silo.Cluster]);
        Assert.True(cli.WaitFor("step    1/", TimeSpan.FromMinutes(2)), cli.Stderr);
        cli.Signal(CliProcess.SIGTERM);
        var r = cli.Wait(TimeSpan.FromSeconds(40));
        Assert.Equal(143, r.ExitCode);
        Assert.Contains($"detached: run {runId} goes on", r.Stderr);

        var shown = CliRunner.Run("runs", "show", runId, "--cluster", silo.Cluster);
        Assert.Contains("status   running", shown.Stdout);
        var cancelled = CliRunner.Run("runs", "cancel", runId, "--cluster", silo.Cluster);
        Assert.Equal(0, cancelled.ExitCode);
        shown = CliRunner.Run("runs", "show", runId, "--cluster", silo.Cluster);
        Assert.Matches(@"status   cancelled: cancelled by 'hyperift runs cancel' after step \d+ of 300", shown.Stdout);
    }
}
