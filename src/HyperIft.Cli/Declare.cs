using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace HyperIft.Cli;

/// <summary>
/// How the console's options are declared: name, value placeholder, help, default and validation
/// in one expression. A bad value is a parse error whose message names the option and the value
/// (<c>--tol 'abc' is not a finite number</c>); completions list the allowed choices.
/// </summary>
public static class Declare
{
    /// <summary>A switch: present or not, no value (<c>--json=1</c> and <c>--json true</c> are refused).</summary>
    public static Option<bool> Flag(string name, string help) => new(name) { Description = help, Arity = ArgumentArity.Zero };

    /// <summary>A text value; <paramref name="problem"/> says what is wrong with one, if anything.</summary>
    public static Option<string> Text(string name, string valueName, string help, bool required = false, Func<string, string?>? problem = null) =>
        Valued(name, valueName, help, text => problem?.Invoke(text) is { } p ? throw new UsageException($"{name}: {p}") : text, required);

    /// <summary>One of <paramref name="allowed"/>.</summary>
    public static Option<string> Choice(string name, string valueName, IReadOnlyList<string> allowed, string help, string? @default = null, bool required = false)
    {
        var option = Valued(name, valueName, help,
            text => allowed.Contains(text) ? text : throw new UsageException($"{name} '{text}' is not one of: {string.Join(", ", allowed)}"),
            required);
        option.CompletionSources.Add([.. allowed]);
        return WithDefault(option, @default);
    }

    public static Option<int> Int(string name, string valueName, string help, int @default, int min, int max = int.MaxValue) =>
        WithDefault(Valued(name, valueName, help, text => ParseInt(name, text, min, max)), @default);

    /// <summary>An integer with no default value: null when not given.</summary>
    public static Option<int?> OptionalInt(string name, string valueName, string help, int min) =>
        Valued<int?>(name, valueName, help, text => ParseInt(name, text, min, int.MaxValue));

    public static Option<double> Double(string name, string valueName, string help, double @default, bool positive = false) =>
        WithDefault(Valued(name, valueName, help, text => ParseDouble(name, text, positive)), @default);

    /// <summary>A number strictly between <paramref name="low"/> and <paramref name="high"/>.</summary>
    public static Option<double> Between(string name, string valueName, string help, double @default, double low, double high) =>
        WithDefault(Valued(name, valueName, help, text =>
        {
            double v = ParseDouble(name, text, positive: false);
            return v > low && v < high ? v : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {low} and {high} (exclusive), got {v}"));
        }), @default);

    /// <summary>A number with no default value: null when not given.</summary>
    public static Option<double?> OptionalDouble(string name, string valueName, string help, bool positive = false) =>
        Valued<double?>(name, valueName, help, text => ParseDouble(name, text, positive));

    /// <summary>A positional argument taking one value; <paramref name="problem"/> says what is wrong with one, if anything.</summary>
    public static Argument<string> Positional(string name, string help, Func<string, string?>? problem = null)
    {
        var argument = new Argument<string>(name) { Description = help };
        if (problem is not null)
            argument.Validators.Add(result =>
            {
                if (result.Tokens is [var token] && problem(token.Value) is { } p) result.AddError(p);
            });
        return argument;
    }

    /// <summary>A value read by <paramref name="parse"/>, which throws a <see cref="UsageException"/> for a bad one.</summary>
    public static Option<T> Valued<T>(string name, string valueName, string help, Func<string, T> parse, bool required = false) => new(name)
    {
        Description = help,
        HelpName = valueName,
        Required = required,
        Arity = ArgumentArity.ExactlyOne,
        CustomParser = result =>
        {
            try
            {
                return result.Tokens is [var token] ? parse(token.Value) : default!; // more than one: "given twice"
            }
            catch (UsageException e)
            {
                result.AddError(e.Message);
                return default!;
            }
        },
    };

    /// <summary>Choices as help lists them: <c>cg | neumann | exact</c>.</summary>
    public static string Alternatives(IEnumerable<string> names) => string.Join(" | ", names);

    /// <summary>Whether the option was written on the command line (or came from --config), not just defaulted.</summary>
    public static bool Given(this ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>The option's name as written in a --config file: without its dashes.</summary>
    public static string Key(this Option option) => option.Name.TrimStart('-');

    /// <summary>The default shown in help, as it would be typed.</summary>
    public static string? DefaultText(this Option option) => !option.HasDefaultValue ? null : option.GetDefaultValue() switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var v => v?.ToString(),
    };

    private static Option<T> WithDefault<T>(Option<T> option, T? @default)
    {
        if (@default is not null) option.DefaultValueFactory = _ => @default;
        return option;
    }

    private static int ParseInt(string name, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new UsageException($"{name} '{text}' is not an integer");
        if (v < min) throw new UsageException($"{name} must be at least {min}, got {v}");
        return v <= max ? v : throw new UsageException($"{name} must be at most {max}, got {v}");
    }

    private static double ParseDouble(string name, string text, bool positive)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new UsageException($"{name} '{text}' is not a finite number");
        return !positive || v > 0 ? v : throw new UsageException($"{name} must be positive");
    }
}
