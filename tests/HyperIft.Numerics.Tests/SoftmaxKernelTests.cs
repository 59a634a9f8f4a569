using HyperIft.Numerics.Models;

namespace HyperIft.Numerics.Tests;

/// <summary>
/// The softmax model's tiled dense kernels (four rows a call, 512-bit vectors where the machine has
/// them) against plain loops written from the formulas, on shapes that reach every branch: p with
/// vector chunks and a scalar tail, C with 4-class tiles and single classes left over, row counts
/// that leave 0–3 rows after the last full quad, and a block that starts inside its array.
/// </summary>
public class SoftmaxKernelTests
{
    [Theory]
    [InlineData(21, 7, 11)] // 2 chunks of 8 + 5 tail features; classes 4 + 3; 2 quads + 3 rows
    [InlineData(16, 10, 4)] // no tail at all; classes 4 + 4 + 2
    [InlineData(8, 2, 1)]   // one row, padded into a quad
    [InlineData(37, 5, 6)]
    [InlineData(3, 3, 9)]   // below one vector: all scalar
    public void Loss_gradient_and_hvp_equal_plain_loops(int p, int k, int rows)
    {
        var random = new Random(p * 100 + k * 10 + rows);
        const int offset = 5; // rows start inside the array, as a shard's view does
        var all = Enumerable.Range(0, offset * p + rows * p).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var y = Enumerable.Range(0, rows).Select(_ => (double)random.Next(k)).ToArray();
        var data = new DataBlock(all.AsMemory(offset * p, rows * p), y, p);
        var model = new SoftmaxModel(p, k);
        var theta = Enumerable.Range(0, model.Layout.Dimension).Select(_ => 0.7 * (random.NextDouble() - 0.5)).ToArray();
        var v = Enumerable.Range(0, model.Layout.Dimension).Select(_ => random.NextDouble() - 0.5).ToArray();
        var weights = Enumerable.Range(0, rows).Select(_ => 0.5 + random.NextDouble()).ToArray();

        var grad = new double[theta.Length];
        var cache = new double[rows * k];
        double loss = model.LossGrad(data, theta, weights, grad, cache);
        var hv = new double[theta.Length];
        model.Hvp(data, theta, cache, weights, v, hv);

        var (expectedLoss, expectedGrad, expectedHv) = Plain(data, theta, weights, v, p, k);
        Assert.Equal(expectedLoss, loss, 1e-12 * Math.Abs(expectedLoss));
        TestProblems.AssertRelative(grad, expectedGrad, 1e-13, "gradient");
        TestProblems.AssertRelative(hv, expectedHv, 1e-13, "HVP");
    }

    /// <summary>
    /// ℓ = Σ c_i (log Σ e^z − z_y), ∇_W = Σ c_i x_i (π_i − e_y)ᵀ, H v = Σ c_i x_i (Π_i u_i)ᵀ with u_i = V x_i + v_b and
    /// Π = diag π − ππᵀ; W feature-major (θ[f·C + j]), intercepts after it, the last class's pinned at 0.
    /// </summary>
    private static (double Loss, double[] Grad, double[] Hv) Plain(DataBlock data, double[] theta, double[] c, double[] v, int p, int k)
    {
        int weightsCount = p * k;
        var grad = new double[theta.Length];
        var hv = new double[theta.Length];
        double loss = 0;
        for (int i = 0; i < data.Rows; i++)
        {
            var x = data.Row(i).ToArray();
            int label = (int)data.Y.Span[i];
            var z = new double[k];
            var u = new double[k];
            for (int j = 0; j < k; j++)
            {
                z[j] = j < k - 1 ? theta[weightsCount + j] : 0;
                u[j] = j < k - 1 ? v[weightsCount + j] : 0;
                for (int f = 0; f < p; f++)
                {
                    z[j] += theta[f * k + j] * x[f];
                    u[j] += v[f * k + j] * x[f];
                }
            }
            double max = z.Max();
            double sum = z.Sum(t => Math.Exp(t - max));
            var pi = z.Select(t => Math.Exp(t - max) / sum).ToArray();
            loss += c[i] * (Math.Log(sum) + max - z[label]);
            double pu = 0;
            for (int j = 0; j < k; j++) pu += pi[j] * u[j];
            for (int j = 0; j < k; j++)
            {
                double g = c[i] * (pi[j] - (j == label ? 1 : 0));
                double h = c[i] * pi[j] * (u[j] - pu);
                for (int f = 0; f < p; f++)
                {
                    grad[f * k + j] += g * x[f];
                    hv[f * k + j] += h * x[f];
                }
                if (j < k - 1)
                {
                    grad[weightsCount + j] += g;
                    hv[weightsCount + j] += h;
                }
            }
        }
        return (loss, grad, hv);
    }
}
