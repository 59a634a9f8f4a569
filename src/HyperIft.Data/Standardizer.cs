namespace HyperIft.Data;

/// <summary>
/// Training mean and standard deviation (population, as scikit-learn's StandardScaler), applied to
/// any set: x ← (x − μ)/σ, with σ = 1 for a constant column (centered, left unscaled).
/// </summary>
public sealed class Standardizer
{
    private Standardizer(double[] mean, double[] scale)
    {
        Mean = mean;
        Scale = scale;
    }

    public double[] Mean { get; }
    public double[] Scale { get; }

    public static Standardizer Fit(Dataset train)
    {
        int p = train.Features, n = train.Rows;
        var mean = new double[p];
        var m2 = new double[p];
        // Welford's update: one pass, no cancellation.
        for (int i = 0; i < n; i++)
        {
            var row = train.Row(i);
            for (int f = 0; f < p; f++)
            {
                double delta = row[f] - mean[f];
                mean[f] += delta / (i + 1);
                m2[f] += delta * (row[f] - mean[f]);
            }
        }
        var scale = new double[p];
        for (int f = 0; f < p; f++)
        {
            double sd = Math.Sqrt(m2[f] / n);
            scale[f] = sd > 1e-12 * Math.Max(1.0, Math.Abs(mean[f])) ? sd : 1.0;
        }
        return new Standardizer(mean, scale);
    }

    public Dataset Apply(Dataset data)
    {
        if (data.Features != Mean.Length)
            throw new ArgumentException($"{data.Source} has {data.Features} features, the scaler {Mean.Length}.");
        var x = new double[data.X.Length];
        int p = data.Features;
        for (int i = 0; i < data.Rows; i++)
            for (int f = 0; f < p; f++)
                x[i * p + f] = (data.X[i * p + f] - Mean[f]) / Scale[f];
        return data.WithFeatures(x);
    }
}
