using System.Globalization;

namespace HyperIft.Cli;

/// <summary>
/// The options of one command, parsed against its declared <see cref="OptionSpec"/>s. Accepts
/// <c>--name value</c>, <c>--name=value</c> and flags; anything undeclared is an error naming it.
/// </summary>
public sealed class ParsedArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly string _command;

    private ParsedArgs(string command) => _command = command;

    public List<string> Positionals { get; } = [];

    public static ParsedArgs Parse(string command, IReadOnlyList<string> args, IReadOnlyList<OptionSpec> specs)
    {
        var parsed = new ParsedArgs(command);
        var byName = specs.ToDictionary(s => s.Name, StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                parsed.Positionals.Add(arg);
                continue;
            }
            string name = arg[2..];
            string? inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }
            if (!byName.TryGetValue(name, out var spec))
                throw new UsageException($"unknown option '--{name}' for '{command}' (see 'hyperift {command} --help')");
            if (spec.IsFlag)
            {
                if (inline is not null) throw new UsageException($"option '--{name}' takes no value");
                parsed._flags.Add(name);
                continue;
            }
            string? value = inline ?? (i + 1 < args.Count ? args[++i] : null);
            if (value is null) throw new UsageException($"option '--{name}' needs a value ({spec.ValueName})");
            if (!parsed._values.TryAdd(name, value)) throw new UsageException($"option '--{name}' is given twice");
        }
        return parsed;
    }

    public bool Has(string name) => _flags.Contains(name) || _values.ContainsKey(name);

    public bool Flag(string name) => _flags.Contains(name);

    public string? String(string name) => _values.GetValueOrDefault(name);

    public string Required(string name) =>
        String(name) ?? throw new UsageException($"'{_command}' needs --{name} (see 'hyperift {_command} --help')");

    public string Choice(string name, IReadOnlyList<string> allowed, string? fallback = null)
    {
        string value = fallback is null ? Required(name) : String(name) ?? fallback;
        return allowed.Contains(value)
            ? value
            : throw new UsageException($"--{name} '{value}' is not one of: {string.Join(", ", allowed)}");
    }

    public double Double(string name, double fallback) => DoubleOrNull(name) ?? fallback;

    public double? DoubleOrNull(string name)
    {
        string? text = String(name);
        if (text is null) return null;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw new UsageException($"--{name} '{text}' is not a finite number");
    }

    public int Int(string name, int fallback, int min = int.MinValue) => IntOrNull(name, min) ?? fallback;

    public int? IntOrNull(string name, int min = int.MinValue)
    {
        string? text = String(name);
        if (text is null) return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new UsageException($"--{name} '{text}' is not an integer");
        return v >= min ? v : throw new UsageException($"--{name} must be at least {min}, got {v}");
    }
}
