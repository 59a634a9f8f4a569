using System.Text.Json;

namespace HyperIft.Cli.Tests;

/// <summary>The run-management commands against a real silo process.</summary>
public class RunsCommandsTests(SiloProcess silo) : TempFolderTests, IClassFixture<SiloProcess>
{
    [Fact]
    public void Detach_list_show_watch_and_control_a_run()
    {
        string runId = $"detached-{Guid.NewGuid():N}"[..20];
        var started = CliRunner.Run("tune", "--model", "logistic", "--hyper", "l2-feature", "--train", "synthetic:n=3000,p=30,seed=2",
            "--steps", "40", "--outer-lr", "0.1", "--run-id", runId, "--detach", "--cluster", silo.Cluster);
        Assert.True(started.ExitCode == 0, started.Stderr);
        Assert.Equal(runId, started.Stdout.Trim());

        var paused = CliRunner.Run("runs", "pause", runId, "--cluster", silo.Cluster);
        Assert.True(paused.ExitCode == 0, paused.Stderr);
        Assert.Contains("paused", paused.Stdout);

        var list = CliRunner.Run("runs", "list", "--cluster", silo.Cluster, "--json");
        Assert.True(list.ExitCode == 0, list.Stderr);
        using (var doc = JsonDocument.Parse(list.Stdout))
        {
            var run = doc.RootElement.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("runId").GetString() == runId);
            Assert.Equal("paused", run.GetProperty("status").GetString());
            Assert.Equal(30, run.GetProperty("lambdaCount").GetInt32());
        }

        var resumed = CliRunner.Run("runs", "resume", runId, "--cluster", silo.Cluster);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var watched = CliRunner.Run("runs", "watch", runId, "--cluster", silo.Cluster);
        Assert.True(watched.ExitCode == 0, watched.Stderr);
        Assert.Contains($"run {runId} completed", watched.Stdout);
        Assert.Contains("step   40/40", watched.Stderr); // plain progress lines when redirected

        var show = CliRunner.Run("runs", "show", runId, "--cluster", silo.Cluster, "--json");
        Assert.True(show.ExitCode == 0, show.Stderr);
        using var shown = JsonDocument.Parse(show.Stdout);
        Assert.Equal("completed", shown.RootElement.GetProperty("status").GetString());
        Assert.Equal(40, shown.RootElement.GetProperty("history").GetArrayLength());

        // A detached run's whole λ, fetched into a file loadable by --lambda-file.
        string lambdaOut = Temp.PathOf("lambda.txt");
        var fetched = CliRunner.Run("runs", "show", runId, "--lambda-out", lambdaOut, "--cluster", silo.Cluster);
        Assert.True(fetched.ExitCode == 0, fetched.Stderr);
        var lambda = File.ReadAllLines(lambdaOut).Select(l => double.Parse(l, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(30, lambda.Length);
        Assert.Contains(lambda, l => l != 0.0);

        var cancelAfter = CliRunner.Run("runs", "cancel", runId, "--cluster", silo.Cluster);
        Assert.True(cancelAfter.ExitCode == 0, cancelAfter.Stderr); // cancelling a finished run changes nothing
        Assert.Contains("completed", cancelAfter.Stdout);
    }

    [Fact]
    public void Cancel_stops_a_running_run()
    {
        string runId = $"cancel-{Guid.NewGuid():N}"[..18];
        var started = CliRunner.Run("tune", "--model", "softmax", "--hyper", "l2-feature", "--train", "synthetic:n=20000,p=40,c=4",
            "--steps", "200", "--run-id", runId, "--detach", "--cluster", silo.Cluster);
        Assert.True(started.ExitCode == 0, started.Stderr);
        var cancelled = CliRunner.Run("runs", "cancel", runId, "--cluster", silo.Cluster);
        Assert.True(cancelled.ExitCode == 0, cancelled.Stderr);
        Assert.Contains("cancelled", cancelled.Stdout);
        var watched = CliRunner.Run("runs", "watch", runId, "--cluster", silo.Cluster);
        Assert.Equal(1, watched.ExitCode);
        Assert.Contains("cancelled", watched.Stdout);
    }

    [Fact]
    public void Ctrl_C_without_a_terminal_detaches_and_the_run_goes_on()
    {
        string runId = $"sigint-{Guid.NewGuid():N}"[..18];
        // CliProcess gives it no terminal: Ctrl-C must detach without asking.
        using var tune = CliProcess.Start("tune", "--model", "softmax", "--hyper", "l2-feature", "--train", "synthetic:n=20000,p=40,c=4",
            "--steps", "60", "--run-id", runId, "--cluster", silo.Cluster, "--output", Temp.PathOf("sigint"));
        Assert.True(tune.WaitFor("step    1/", TimeSpan.FromMinutes(2)), tune.Stderr);
        tune.Signal(CliProcess.SIGINT);
        var r = tune.Wait(TimeSpan.FromSeconds(30));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"detached: run {runId} goes on", r.Stderr);

        var show = CliRunner.Run("runs", "show", runId, "--cluster", silo.Cluster, "--json");
        using var doc = JsonDocument.Parse(show.Stdout);
        Assert.Contains(doc.RootElement.GetProperty("status").GetString(), new[] { "running", "completed" });
        CliRunner.Run("runs", "cancel", runId, "--cluster", silo.Cluster);
    }

    [Fact]
    public void An_unknown_run_id_is_one_clear_message()
    {
        var r = CliRunner.Run("runs", "show", "no-such-run", "--cluster", silo.Cluster);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no run 'no-such-run'", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void Runs_commands_without_a_cluster_say_so()
    {
        var r = CliRunner.Run("runs", "list");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("runs live on a cluster", r.Stderr);
    }

    [Fact]
    public void A_client_with_another_cluster_id_is_told_which_id_it_used()
    {
        var r = CliRunner.RunWith(new Dictionary<string, string> { ["HYPERIFT_CLUSTER_ID"] = "not-this-one" },
            "runs", "list", "--cluster", silo.Cluster);
        CliAssert.Fails(r, 3, "cluster id 'not-this-one'", "HYPERIFT_CLUSTER_ID");
    }
}
