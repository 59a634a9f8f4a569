namespace HyperIft.Cli;

/// <summary>A command line that cannot be run as written: exit code 2, one message, no stack trace.</summary>
public sealed class UsageException(string message) : Exception(message);
