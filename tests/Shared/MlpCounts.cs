namespace HyperIft.Tests;

/// <summary>Sizes of an mlp written out from SPEC §7, independently of the code under test.</summary>
public static class MlpCounts
{
    /// <summary>Weights and biases of p → H₁ → … → C, the last class's output bias pinned.</summary>
    public static int Dimension(int features, int[] hidden, int classes)
    {
        int[] widths = [features, .. hidden, classes];
        int d = 0;
        for (int l = 0; l + 1 < widths.Length; l++) d += widths[l] * widths[l + 1] + widths[l + 1];
        return d - 1;
    }

    /// <summary>Entries of λ for each kind (SPEC §7).</summary>
    public static int LambdaCount(string kind, int features, int[] hidden, int classes, int trainRows) => kind switch
    {
        "l2" => 1,
        "l2-layer" => hidden.Length + 1,
        "l2-feature" => features,
        "l2-param" => Dimension(features, hidden, classes) - hidden.Sum() - (classes - 1),
        "example-weights" => trainRows,
        _ => throw new ArgumentException(kind),
    };
}
