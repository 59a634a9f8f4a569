namespace HyperIft.Numerics;

/// <summary>
/// Where each entry of θ lives. θ = [W, b]: W is p×C stored feature-major
/// (index = feature·C + class), then the free intercepts. Scalar models have C = 1.
/// Softmax pins the last class's intercept at 0, so it has C − 1 free intercepts.
/// </summary>
public sealed record ParameterLayout(int Features, int Outputs, int Intercepts)
{
    public int WeightCount => Features * Outputs;
    public int Dimension => WeightCount + Intercepts;
    public bool HasIntercept => Intercepts > 0;

    public static ParameterLayout Scalar(int features, bool intercept) => new(features, 1, intercept ? 1 : 0);

    public static ParameterLayout Softmax(int features, int classes, bool intercept) =>
        new(features, classes, intercept ? classes - 1 : 0);
}
