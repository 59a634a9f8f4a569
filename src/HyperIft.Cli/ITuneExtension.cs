using HyperIft.Abstractions;

namespace HyperIft.Cli;

/// <summary>
/// What a command built on <c>tune</c> adds to its run (<c>clean</c>): checks and work before the
/// first step, then its own files, result.json fields and summary lines after the last.
/// </summary>
public interface ITuneExtension
{
    /// <summary>Runs once the problem is configured and before its first step; a failure here leaves the run unstarted.</summary>
    Task BeforeStart(ClusterConnection cluster, string runId, ProblemInfo info, TestSet? test, CancellationToken ct);

    /// <summary>Writes the extra files into the results folder.</summary>
    void WriteFiles(RunReport report);

    ResultJson Extend(ResultJson result, RunReport report);

    void WriteSummary(TextWriter stdout, RunReport report);

    /// <summary>What is lost when the client stops following the run (it goes on, on a cluster), and how to recover it.</summary>
    string Detached(string runId, string clusterOption);
}
