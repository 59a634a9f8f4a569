using System.Diagnostics;
using System.Text;

namespace HyperIft.Cli.Tests;

/// <summary>
/// The built <c>hyperift</c> running in the background, for tests that act while it runs: wait for a
/// line on stderr, send it a signal, then collect how it ended.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new(), _stderr = new();

    private CliProcess(Process process) => _process = process;

    public static CliProcess Start(params string[] args)
    {
        var start = CliRunner.StartInfo("dotnet", [CliRunner.Dll, .. args]);
        start.RedirectStandardInput = true; // not a terminal
        var cli = new CliProcess(Process.Start(start)!);
        cli._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (cli._stdout) cli._stdout.AppendLine(e.Data); };
        cli._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (cli._stderr) cli._stderr.AppendLine(e.Data); };
        cli._process.BeginOutputReadLine();
        cli._process.BeginErrorReadLine();
        return cli;
    }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    /// <summary>Waits until stderr holds <paramref name="text"/>; false if the process ended or time ran out first.</summary>
    public bool WaitFor(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Stderr.Contains(text, StringComparison.Ordinal)) return true;
            if (_process.HasExited) return false;
            Thread.Sleep(50);
        }
        return false;
    }

    public void Signal(int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", $"{_process.Id}"]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public CliRunner.Result Wait(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hyperift did not end within {timeout}; stderr:\n{Stderr}");
        }
        _process.WaitForExit(); // flushes the redirected streams
        return new CliRunner.Result(_process.ExitCode, Stdout, Stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    public const int SIGINT = 2, SIGTERM = 15;
}
