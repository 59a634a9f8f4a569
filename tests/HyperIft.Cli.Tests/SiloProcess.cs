using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HyperIft.Cli.Tests;

/// <summary>
/// One real silo process (localhost clustering, file storage) on free loopback ports, for the
/// commands that need a cluster. It runs in a working directory of its own, not the client's, as
/// on a real cluster. Stopped and its folders deleted with the fixture.
/// </summary>
public sealed class SiloProcess : IAsyncLifetime
{
    private Process? _process;
    private readonly TempFolder _storage = new("hyperift-silo-"), _workingDirectory = new("hyperift-silo-cwd-");

    public string WorkingDirectory => _workingDirectory.Root;

    public int GatewayPort { get; } = FreePort();
    public string Cluster => $"localhost:{GatewayPort}";

    /// <summary>The silo built beside these tests (the project references it without using it as a library).</summary>
    public static string Dll => Path.Combine(CliRunner.RepositoryRoot, "src", "HyperIft.Silo", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "hyperift-silo.dll");

    public async ValueTask InitializeAsync()
    {
        int siloPort = FreePort(), httpPort = FreePort();
        var start = CliRunner.StartInfo("dotnet", [Dll, "--clustering", "localhost", "--storage", "file", "--storage-path", _storage.Root,
            "--silo-port", $"{siloPort}", "--gateway-port", $"{GatewayPort}", "--primary-port", $"{siloPort}", "--http-port", $"{httpPort}"]);
        start.WorkingDirectory = WorkingDirectory;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{httpPort}/health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            if (_process.HasExited) throw new InvalidOperationException($"the silo exited with code {_process.ExitCode}");
            await Task.Delay(200);
        }
        throw new TimeoutException("the silo did not become healthy within 60 s");
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.WaitForExit(10_000);
        _process?.Dispose();
        _storage.Dispose();
        _workingDirectory.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
