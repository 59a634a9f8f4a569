using System.CommandLine;
using System.Text.Json;
using HyperIft.Data;

namespace HyperIft.Cli;

/// <summary>
/// A run described by a JSON file (<c>--config run.json</c>): an object whose keys are the command's
/// option names, e.g. <c>{"model": "softmax", "hyper": "l2-feature", "steps": 30, "standardize": true}</c>.
/// Flags on the command line win over the file; an unknown key is an error naming the file and line.
/// </summary>
public static class ConfigFile
{
    public static readonly Option<string> Option = Declare.Text("--config", "FILE", "read the options from a JSON file (keys = option names; flags given here win)");

    /// <summary>
    /// The file's options as command-line tokens, for the options of the parsed command that the
    /// command line does not set itself; none without --config.
    /// </summary>
    public static string[] Tokens(ParseResult parse, string command)
    {
        if (parse.GetResult(Option) is not { Tokens: [var token] }) return [];
        string path = token.Value;
        var options = parse.CommandResult.Command.Options.Where(o => o != Option).ToDictionary(o => o.Key(), StringComparer.Ordinal);
        var tokens = new List<string>();
        foreach (var (key, value, line) in Read(path))
        {
            if (!options.TryGetValue(key, out var option))
                throw new DataFormatException(path, line, $"unknown key '{key}' (the keys are the options of 'hyperift {command} --help')");
            if (parse.Given(option)) continue;
            bool isFlag = option.Arity.MaximumNumberOfValues == 0;
            switch (value.ValueKind)
            {
                case JsonValueKind.True when isFlag:
                    tokens.Add(option.Name);
                    break;
                case JsonValueKind.False when isFlag:
                    break;
                case JsonValueKind.String when !isFlag:
                    tokens.AddRange([option.Name, value.GetString()!]);
                    break;
                case JsonValueKind.Number when !isFlag:
                    tokens.AddRange([option.Name, value.GetRawText()]);
                    break;
                default:
                    throw new DataFormatException(path, line,
                        $"'{key}' must be {(isFlag ? "true or false" : "a string or a number")}, not {value.ValueKind.ToString().ToLowerInvariant()}");
            }
        }
        return [.. tokens];
    }

    /// <summary>The top-level properties in file order, each with the line it starts on (one pass of the reader).</summary>
    private static List<(string Key, JsonElement Value, long Line)> Read(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, 0, Directory.Exists(path) ? "is a folder, not a file" : "file not found");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, 0, $"cannot be read ({e.Message})");
        }
        var lines = LineStarts(bytes);
        var result = new List<(string, JsonElement, long)>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new DataFormatException(path, 1, "must hold one JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                long line = LineOf(lines, reader.TokenStartIndex);
                reader.Read();
                result.Add((key, JsonElement.ParseValue(ref reader), line));
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
                throw new DataFormatException(path, LineOf(lines, reader.TokenStartIndex), "must hold one JSON object and nothing after it");
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, (e.LineNumber ?? -1) + 1, $"is not valid JSON ({e.Message.Split(" Path:")[0]})");
        }
        return result;
    }

    private static List<long> LineStarts(byte[] bytes)
    {
        var starts = new List<long> { 0 };
        for (int i = 0; i < bytes.Length; i++) if (bytes[i] == (byte)'\n') starts.Add(i + 1);
        return starts;
    }

    private static long LineOf(List<long> starts, long offset)
    {
        int index = starts.BinarySearch(offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }
}
