using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using HyperIft.Cli.Commands;

namespace HyperIft.Cli;

/// <summary>
/// The JSON the console prints and writes, from records serialized by a source-generated context:
/// camelCase names in declaration order (SPEC §5), a null field left out, and a non-finite number
/// written as "NaN", "Infinity" or "-Infinity" rather than failing the command.
/// </summary>
public static class CliJson
{
    public static string Write<T>(T value, JsonTypeInfo<T> type, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
            JsonSerializer.Serialize(writer, value, type);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static CliJsonContext Types => CliJsonContext.Default;
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ResultJson))]
[JsonSerializable(typeof(double[]))] // ResultJson.Lambda inline
[JsonSerializable(typeof(string))] // ResultJson.Lambda as a file
[JsonSerializable(typeof(RunListJson))]
[JsonSerializable(typeof(RunJson))]
[JsonSerializable(typeof(BenchJson))]
[JsonSerializable(typeof(DataSummaryJson))]
public sealed partial class CliJsonContext : JsonSerializerContext;
