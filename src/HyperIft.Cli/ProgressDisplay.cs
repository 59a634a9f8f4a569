using HyperIft.Numerics.Optimization;
using System.Diagnostics;
using System.Globalization;
using HyperIft.Abstractions;

namespace HyperIft.Cli;

/// <summary>
/// Shows a run's progress on stderr: a bar redrawn in place on a terminal, one plain line per step
/// when stderr is redirected (logs, CI). Each step shows the validation loss, ‖dg/dλ‖, the CG
/// iterations, the elapsed time and an estimate of the time left.
/// </summary>
public sealed class ProgressDisplay(TextWriter output, bool interactive)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _shown;
    private string? _silo;
    private bool _barDrawn;

    public static ProgressDisplay ForStandardError() => new(Console.Error, !Console.IsErrorRedirected);

    public void Update(RunSnapshot snapshot)
    {
        if (snapshot.Silo != _silo)
        {
            Line(_silo is null
                ? $"run {snapshot.RunId} on silo {snapshot.Silo}"
                : $"run {snapshot.RunId} moved to silo {snapshot.Silo} (resumed at step {snapshot.Step + 1} after its silo was lost)");
            _silo = snapshot.Silo;
        }
        for (; _shown < snapshot.History.Count; _shown++)
        {
            var r = snapshot.History[_shown];
            if (interactive) Bar(snapshot, r);
            else
                Line(string.Create(CultureInfo.InvariantCulture,
                    $"step {r.Step + 1,4}/{snapshot.Steps}  val {r.ValidationLoss:F6}  ‖dg/dλ‖ {r.HypergradientNorm:E2}  cg {r.CgIterations,4}  newton {r.InnerIterations,2}  {_clock.Elapsed.TotalSeconds,7:F1} s  {Eta(r.Step + 1, snapshot.Steps)}"));
        }
    }

    /// <summary>Ends the bar's line so that what follows starts on its own.</summary>
    public void Finish()
    {
        if (_barDrawn) output.WriteLine();
        _barDrawn = false;
    }

    private void Bar(RunSnapshot snapshot, StepRecord r)
    {
        const int width = 24;
        int done = r.Step + 1;
        int filled = (int)Math.Round(width * done / (double)Math.Max(1, snapshot.Steps));
        output.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{snapshot.Steps}  val {r.ValidationLoss:F6}  ‖dg/dλ‖ {r.HypergradientNorm:E2}  cg {r.CgIterations}  {_clock.Elapsed.TotalSeconds:F1} s  {Eta(done, snapshot.Steps)}   "));
        _barDrawn = true;
    }

    private string Eta(int done, int steps)
    {
        if (done <= 0 || done >= steps) return "";
        double left = _clock.Elapsed.TotalSeconds / done * (steps - done);
        return string.Create(CultureInfo.InvariantCulture, $"~{left:F0} s left");
    }

    private void Line(string text)
    {
        Finish();
        output.WriteLine(text);
    }
}
