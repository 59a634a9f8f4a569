namespace HyperIft.Data;

/// <summary>
/// Training mean and standard deviation (population, as scikit-learn's StandardScaler), applied to
/// any set: x ← (x − μ)/σ, with σ = 1 for a constant column (centered, left unscaled). Centering
/// fills in the zeros, so sparse rows come out dense.
/// </summary>
public sealed class Standardizer
{
    public Standardizer(double[] mean, double[] scale)
    {
        if (mean.Length != scale.Length) throw new ArgumentException("mean and scale differ in length");
        Mean = mean;
        Scale = scale;
    }

    public double[] Mean { get; }
    public double[] Scale { get; }

    public static Standardizer Fit(Dataset train)
    {
        var (mean, m2) = Moments(train);
        return FromMoments(train.Rows, mean, m2);
    }

    /// <summary>Column means and sums of squared deviations (Welford: one pass, no cancellation).</summary>
    public static (double[] Mean, double[] SquaredDeviations) Moments(Dataset data)
    {
        data = data.ToDense();
        int p = data.Features;
        var mean = new double[p];
        var m2 = new double[p];
        for (int i = 0; i < data.Rows; i++)
        {
            var row = data.Row(i);
            for (int f = 0; f < p; f++)
            {
                double delta = row[f] - mean[f];
                mean[f] += delta / (i + 1);
                m2[f] += delta * (row[f] - mean[f]);
            }
        }
        return (mean, m2);
    }

    /// <summary>Moments of two disjoint row sets combined (Chan, Golub &amp; LeVeque), for sharded data.</summary>
    public static (long Count, double[] Mean, double[] SquaredDeviations) Merge(
        (long Count, double[] Mean, double[] SquaredDeviations) a, (long Count, double[] Mean, double[] SquaredDeviations) b)
    {
        if (a.Count == 0) return b;
        if (b.Count == 0) return a;
        long n = a.Count + b.Count;
        var mean = new double[a.Mean.Length];
        var m2 = new double[a.Mean.Length];
        for (int f = 0; f < mean.Length; f++)
        {
            double delta = b.Mean[f] - a.Mean[f];
            mean[f] = a.Mean[f] + delta * b.Count / n;
            m2[f] = a.SquaredDeviations[f] + b.SquaredDeviations[f] + delta * delta * a.Count * b.Count / n;
        }
        return (n, mean, m2);
    }

    public static Standardizer FromMoments(long count, double[] mean, double[] squaredDeviations)
    {
        var scale = new double[mean.Length];
        for (int f = 0; f < mean.Length; f++)
        {
            double sd = Math.Sqrt(squaredDeviations[f] / count);
            scale[f] = sd > 1e-12 * Math.Max(1.0, Math.Abs(mean[f])) ? sd : 1.0;
        }
        return new Standardizer((double[])mean.Clone(), scale);
    }

    public Dataset Apply(Dataset data)
    {
        if (data.Features != Mean.Length)
            throw new ArgumentException($"{data.Source} has {data.Features} features, the scaler {Mean.Length}.");
        data = data.ToDense(); // centered values are no longer sparse
        var x = new double[data.X.Length];
        int p = data.Features;
        for (int i = 0; i < data.Rows; i++)
            for (int f = 0; f < p; f++)
                x[i * p + f] = (data.X[i * p + f] - Mean[f]) / Scale[f];
        return data.WithFeatures(x);
    }
}
