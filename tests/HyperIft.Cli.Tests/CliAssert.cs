namespace HyperIft.Cli.Tests;

/// <summary>How a command must fail: the exit code, one message line, nothing on stdout, no stack trace, no exception name, no internal error.</summary>
public static class CliAssert
{
    public static void Fails(CliRunner.Result r, int exitCode, params string[] expected)
    {
        Assert.True(r.ExitCode == exitCode, $"exit {r.ExitCode}, expected {exitCode}; stderr:\n{r.Stderr}");
        Assert.Equal("", r.Stdout);
        var errorLines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("hyperift")).ToList();
        Assert.Single(errorLines);
        foreach (var e in expected) Assert.Contains(e, errorLines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.DoesNotContain("Exception", r.Stderr);
        Assert.DoesNotContain("internal error", r.Stderr);
    }

    public static void BadInput(CliRunner.Result r, params string[] expected) => Fails(r, 2, expected);
}
