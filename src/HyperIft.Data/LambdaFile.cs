using System.Globalization;

namespace HyperIft.Data;

/// <summary>λ as text, one value per line (blank lines ignored): read by --lambda-file, written as lambda.txt.</summary>
public static class LambdaFile
{
    public static double[] Read(string path)
    {
        var values = new List<double>();
        foreach (var (text, line) in TextFile.Lines(path))
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            values.Add(NumberParser.Parse(text, path, line, "value"));
        }
        if (values.Count == 0) throw new DataFormatException(path, 0, "has no values");
        return values.ToArray();
    }

    /// <summary>Round-trip precision, so that reading the file back gives the same λ bit for bit.</summary>
    public static void Write(string path, IEnumerable<double> values) =>
        File.WriteAllLines(path, values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
