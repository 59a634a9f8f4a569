using System.Diagnostics;
using System.Globalization;
using System.Text;
using HyperIft.Data;

namespace HyperIft.Cli.Tests;

/// <summary>Runs the built <c>hyperift</c> as a separate process, as a user would.</summary>
public static class CliRunner
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "hyperift.dll");

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => RunIn(Environment.CurrentDirectory, args);

    public static Result RunIn(string workingDirectory, params string[] args) => Start(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>With extra environment variables (HYPERIFT_CLUSTER_ID and the like).</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(Environment.CurrentDirectory, environment, args);

    private static Result Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hyperift {string.Join(' ', args)} did not finish");
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
}
