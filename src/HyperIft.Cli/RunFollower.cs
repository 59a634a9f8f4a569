using System.Runtime.InteropServices;
using HyperIft.Abstractions;

namespace HyperIft.Cli;

/// <summary>How following a run ended.</summary>
public enum FollowOutcome { Finished, Detached, Cancelled }

/// <summary>
/// Follows a run with a progress display until it finishes, or until Ctrl-C: then, on a terminal,
/// asks whether to cancel the run or detach from it; without one, or on SIGTERM, it detaches (the run goes on).
/// A run on the embedded silo cannot outlive this process, so Ctrl-C cancels it.
/// </summary>
public static class RunFollower
{
    public static async Task<(FollowOutcome Outcome, RunSnapshot? Final)> Follow(
        ClusterConnection cluster, string runId, TextWriter stderr, CancellationToken ct)
    {
        var progress = ProgressDisplay.ForStandardError();
        try
        {
            var final = await RunClient.Follow(cluster.Grains, runId, progress.Update, ct: ct);
            progress.Finish();
            return (FollowOutcome.Finished, final);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            progress.Finish();
            var tuner = cluster.Grains.GetGrain<ITunerGrain>(runId);
            if (cluster.IsEmbedded || AskCancel(stderr))
            {
                await tuner.Cancel($"cancelled by {(Interruption.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl-C")} at the console");
                stderr.WriteLine($"run {runId} cancelled");
                return (FollowOutcome.Cancelled, null);
            }
            stderr.WriteLine($"detached: run {runId} goes on; follow it with 'hyperift runs watch {runId}{cluster.Option}'");
            return (FollowOutcome.Detached, null);
        }
    }

    /// <summary>Only a person at a terminal who pressed Ctrl-C is asked; SIGTERM or no terminal: detach.</summary>
    private static bool AskCancel(TextWriter stderr)
    {
        if (Console.IsInputRedirected || Interruption.Signal != PosixSignal.SIGINT) return false;
        stderr.Write("interrupted: cancel the run, or detach and leave it running? [c/D] ");
        Interruption.Asking = true;
        string? answer;
        try
        {
            answer = Console.ReadLine();
        }
        finally
        {
            Interruption.Asking = false;
        }
        return answer?.Trim().StartsWith('c') == true || answer?.Trim().StartsWith('C') == true;
    }
}
