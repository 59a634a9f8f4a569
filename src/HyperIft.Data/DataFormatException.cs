namespace HyperIft.Data;

/// <summary>
/// Bad input, reported as "file:line: what is wrong" (line 0: the file as a whole). The console
/// prints the message alone and exits with code 2.
/// </summary>
public sealed class DataFormatException(string file, long line, string problem)
    : Exception(line > 0 ? $"{file}:{line}: {problem}" : $"{file}: {problem}")
{
    public string File { get; } = file;
    public long Line { get; } = line;
    public string Problem { get; } = problem;
}
