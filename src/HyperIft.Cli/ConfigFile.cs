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
    public static readonly OptionSpec Option = new("config", "read the options from a JSON file (keys = option names; flags given here win)", "FILE");

    /// <summary>The command line with the file's options inserted where it does not set them itself.</summary>
    public static string[] Expand(string command, string[] args, IReadOnlyList<OptionSpec> specs)
    {
        int at = Array.IndexOf(args, "--config");
        string? path = at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        var inline = args.FirstOrDefault(a => a.StartsWith("--config=", StringComparison.Ordinal));
        if (inline is not null) (path, at) = (inline["--config=".Length..], Array.IndexOf(args, inline));
        if (at < 0) return args;
        if (path is null) throw new UsageException("option '--config' needs a value (FILE)");

        var rest = args.Where((_, i) => i != at && !(inline is null && i == at + 1)).ToArray();
        var given = rest.Where(a => a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => a[2..].Split('=', 2)[0]).ToHashSet(StringComparer.Ordinal);
        var byName = specs.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var fromFile = new List<string>();
        foreach (var (key, value, line) in Read(path))
        {
            if (!byName.TryGetValue(key, out var spec) || key == Option.Name)
                throw new DataFormatException(path, line, $"unknown key '{key}' (the keys are the options of 'hyperift {command} --help')");
            if (given.Contains(key)) continue;
            switch (value.ValueKind)
            {
                case JsonValueKind.True when spec.IsFlag:
                    fromFile.Add("--" + key);
                    break;
                case JsonValueKind.False when spec.IsFlag:
                    break;
                case JsonValueKind.String when !spec.IsFlag:
                    fromFile.AddRange(["--" + key, value.GetString()!]);
                    break;
                case JsonValueKind.Number when !spec.IsFlag:
                    fromFile.AddRange(["--" + key, value.GetRawText()]);
                    break;
                default:
                    throw new DataFormatException(path, line,
                        $"'{key}' must be {(spec.IsFlag ? "true or false" : "a string or a number")}, not {value.ValueKind.ToString().ToLowerInvariant()}");
            }
        }
        return [.. fromFile, .. rest];
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
