using System.Diagnostics;
using System.Globalization;
using System.Text;
using HyperIft.Data;

namespace HyperIft.Cli.Tests;

/// <summary>Runs the built <c>hyperift</c> as a separate process, as a user would.</summary>
public static class CliRunner
{
    /// <summary>hyperift, built beside the tests.</summary>
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "hyperift.dll");

    /// <summary>The folder that holds Orleans.HyperIft.sln.</summary>
    public static readonly string RepositoryRoot = FindRepositoryRoot();

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => RunIn(Environment.CurrentDirectory, args);

    public static Result RunIn(string workingDirectory, params string[] args) => Start(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>With extra environment variables (HYPERIFT_CLUSTER_ID and the like).</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(Environment.CurrentDirectory, environment, args);

    private static Result Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = StartInfo("dotnet", [Dll, .. args]);
        start.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Exec(start, TimeSpan.FromMinutes(3));
    }

    /// <summary><paramref name="program"/> with its arguments, stdout and stderr redirected.</summary>
    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>Runs a process to its end and collects what it printed; killed if it outlives <paramref name="timeout"/>.</summary>
    public static Result Exec(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Writes a data set as CSV with the label last, round-trip precision.</summary>
    public static string WriteCsv(string path, Dataset data)
    {
        var text = new StringBuilder();
        for (int i = 0; i < data.Rows; i++)
        {
            foreach (var x in data.Row(i)) text.Append(x.ToString("R", CultureInfo.InvariantCulture)).Append(',');
            text.Append(data.Y[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orleans.HyperIft.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
