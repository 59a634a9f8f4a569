namespace HyperIft.Cli;

/// <summary>One declared option: its name, whether it takes a value, and its help line.</summary>
public sealed record OptionSpec(string Name, string Help, string? ValueName = null, string? Default = null)
{
    public bool IsFlag => ValueName is null;
}
