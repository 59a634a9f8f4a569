namespace HyperIft.Data;

/// <summary>The files of Debian's dataset-fashion-mnist package: train = 60,000 rows, test = 10,000.</summary>
internal static class FashionMnist
{
    public const string Directory = "/usr/share/datasets/fashion-mnist";

    public static bool IsInstalled => File.Exists(ImagesPath("train"));

    public static string ImagesPath(string part) => Path.Combine(Directory, $"{Prefix(part)}-images-idx3-ubyte.gz");

    public static string LabelsPath(string part) => Path.Combine(Directory, $"{Prefix(part)}-labels-idx1-ubyte.gz");

    public static Dataset Read(string part) => IdxReader.Read(Paths(part).Images, Paths(part).Labels);

    /// <summary>The image and label files of a part, or a clear message when the package is missing.</summary>
    public static (string Images, string Labels) Paths(string part)
    {
        if (!IsInstalled)
            throw new DataFormatException("fashion-mnist", 0,
                $"not installed: run 'apt-get install -y dataset-fashion-mnist' (expected files in {Directory})");
        return (ImagesPath(part), LabelsPath(part));
    }

    private static string Prefix(string part) => part switch
    {
        "train" => "train",
        "test" => "t10k",
        _ => throw new DataFormatException("fashion-mnist", 0, $"unknown part '{part}' (expected train or test)"),
    };
}
