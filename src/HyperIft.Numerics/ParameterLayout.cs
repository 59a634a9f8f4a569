namespace HyperIft.Numerics;

/// <summary>A weight matrix inside θ: <see cref="Inputs"/>×<see cref="Outputs"/>, input-major, from <see cref="Offset"/>.</summary>
public sealed record WeightBlock(int Offset, int Inputs, int Outputs)
{
    public int Count => Inputs * Outputs;
    public int End => Offset + Count;
}

/// <summary>A bias vector inside θ; a penalized one carries the fixed L2 strength (an MLP's hidden biases, SPEC §7).</summary>
public sealed record BiasBlock(int Offset, int Count, bool Penalized);

/// <summary>
/// Where each entry of θ lives. Linear models: θ = [W, b] with W p×C feature-major
/// (index = feature·C + class), then the free intercepts (C = 1 for scalar models; softmax pins
/// the last class's intercept at 0, so it has C − 1). An MLP: W₁, b₁, …, W_out, b_out (SPEC §7).
/// </summary>
public sealed class ParameterLayout
{
    private ParameterLayout(int features, int outputs, IReadOnlyList<WeightBlock> weights, IReadOnlyList<BiasBlock> biases)
    {
        Features = features;
        Outputs = outputs;
        Weights = weights;
        Biases = biases;
        WeightCount = weights.Sum(w => w.Count);
        Dimension = weights.Select(w => w.End).Concat(biases.Select(b => b.Offset + b.Count)).Max();
        Intercepts = biases.Count > 0 && biases[^1].Offset + biases[^1].Count == Dimension ? biases[^1].Count : 0;
    }

    /// <summary>Input features p.</summary>
    public int Features { get; }

    /// <summary>Outputs of the last layer (classes for softmax and mlp, 1 for scalar models).</summary>
    public int Outputs { get; }

    /// <summary>The weight matrices, input side first.</summary>
    public IReadOnlyList<WeightBlock> Weights { get; }

    public IReadOnlyList<BiasBlock> Biases { get; }

    /// <summary>All weights (what the L2 kinds regularize).</summary>
    public int WeightCount { get; }

    public int Dimension { get; }

    /// <summary>Free output intercepts, at the end of θ.</summary>
    public int Intercepts { get; }

    public bool HasIntercept => Intercepts > 0;

    public static ParameterLayout Scalar(int features, bool intercept) => Linear(features, 1, intercept ? 1 : 0);

    public static ParameterLayout Softmax(int features, int classes, bool intercept) =>
        Linear(features, classes, intercept ? classes - 1 : 0);

    /// <summary>p → H₁ → … → H_L → C; hidden biases penalized, the last class's output bias pinned.</summary>
    public static ParameterLayout Mlp(int features, IReadOnlyList<int> hidden, int classes)
    {
        var weights = new List<WeightBlock>();
        var biases = new List<BiasBlock>();
        int offset = 0, inputs = features;
        foreach (int units in hidden)
        {
            weights.Add(new WeightBlock(offset, inputs, units));
            offset += inputs * units;
            biases.Add(new BiasBlock(offset, units, Penalized: true));
            offset += units;
            inputs = units;
        }
        weights.Add(new WeightBlock(offset, inputs, classes));
        offset += inputs * classes;
        biases.Add(new BiasBlock(offset, classes - 1, Penalized: false));
        return new ParameterLayout(features, classes, weights, biases);
    }

    private static ParameterLayout Linear(int features, int outputs, int intercepts) => new(features, outputs,
        [new WeightBlock(0, features, outputs)],
        intercepts > 0 ? [new BiasBlock(features * outputs, intercepts, Penalized: false)] : []);
}
