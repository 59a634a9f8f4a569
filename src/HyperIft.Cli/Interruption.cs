using System.Runtime.InteropServices;

namespace HyperIft.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM ask the running command to stop cleanly through one token: a
/// followed run is then detached on a cluster or cancelled on the embedded silo. Only a Ctrl-C at
/// a terminal asks the user which. A second signal, or a command that has not stopped within the
/// grace period, ends the process. The exit code says which signal: 130 for SIGINT, 143 for SIGTERM.
/// </summary>
public sealed class Interruption : IDisposable
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(20);

    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signal;

    private Interruption()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, On), PosixSignalRegistration.Create(PosixSignal.SIGTERM, On)];
    }

    /// <summary>The signal that interrupted this process, if any (the console asks "cancel or detach?" only after a Ctrl-C).</summary>
    public static PosixSignal? Signal { get; private set; }

    public CancellationToken Token => _cancel.Token;

    public static Interruption Install() => new();

    /// <summary>True while the console waits for a person's answer: the grace period does not run meanwhile.</summary>
    public static bool Asking { get; set; }

    /// <summary>Waits for the command; once interrupted, for at most <see cref="Grace"/> (not counting time spent asking).</summary>
    public async Task<int> Run(Func<CancellationToken, Task<int>> command)
    {
        var running = command(Token);
        var interrupted = Task.Delay(Timeout.Infinite, Token).ContinueWith(_ => { }, TaskScheduler.Default);
        if (await Task.WhenAny(running, interrupted) == running) return ExitCode(await running);
        var deadline = DateTime.UtcNow + Grace;
        while (DateTime.UtcNow < deadline || Asking)
        {
            if (await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(250))) == running) return ExitCode(await running);
            if (Asking) deadline = DateTime.UtcNow + Grace;
        }
        await Console.Error.WriteLineAsync($"hyperift: did not stop within {Grace.TotalSeconds:F0} s of the signal; exiting");
        Environment.Exit(ExitCode(130)); // whatever still runs (a grain call, a silo stopping) must not hold the process
        return ExitCode(130);
    }

    /// <summary>After SIGTERM every ending is 143 (as a process killed by it), whatever the command returned for Ctrl-C.</summary>
    private static int ExitCode(int code) => Signal == PosixSignal.SIGTERM && code is 0 or 130 ? 143 : code;

    private void On(PosixSignalContext context)
    {
        // The first signal is ours to handle; a second one takes the default action and ends the process.
        if (Interlocked.Exchange(ref _signal, 1) == 1) return;
        context.Cancel = true;
        Signal = context.Signal;
        _cancel.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cancel.Dispose();
    }
}
