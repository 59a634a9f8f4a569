using HyperIft.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;

namespace HyperIft.Numerics.Solvers;

/// <summary>
/// A preconditioner for the Hessian of a linear model (θ = W, p×k feature-major, then intercepts),
/// from Kronecker factors as in K-FAC (Martens &amp; Grosse 2015): the data term
/// (1/n) Σ c_i x_i x_iᵀ ⊗ Π_i (Π_i the Hessian of the loss in score space) is taken as S ⊗ A with
/// S = (1/n) Σ x_i x_iᵀ and A = (1/n) Σ c_i Π_i, and the L2 penalty as D ⊗ I (D per feature, the
/// mean over outputs). That sum is inverted exactly: with S̃ = D^{-1/2} S D^{-1/2} = U Λ Uᵀ and
/// A = V M Vᵀ, (S ⊗ A + D ⊗ I)⁻¹ = (D^{-1/2} U ⊗ V)(Λ ⊗ M + I)⁻¹(D^{-1/2} U ⊗ V)ᵀ. The
/// intercepts get the inverse of their own block of A. The approximation only steers CG: the
/// solution is the exact Hessian's.
/// </summary>
public sealed class KroneckerPreconditioner
{
    private readonly GramBasis.Whitened _basis;
    private readonly int _outputs;
    private readonly double[] _v;        // k×k, columns the eigenvectors of A
    private readonly double[] _m;        // A's eigenvalues
    private readonly double[] _intercept; // q×q inverse of the intercepts' block (plus the shift)
    private readonly int _intercepts;

    private KroneckerPreconditioner(GramBasis.Whitened basis, int outputs, double[] v, double[] m, double[] intercept, int intercepts) =>
        (_basis, _outputs, _v, _m, _intercept, _intercepts) = (basis, outputs, v, m, intercept, intercepts);

    /// <param name="basis">The Gram matrix's basis whitened by the penalty D (plus the shift).</param>
    /// <param name="classCurvature">A (k×k, row-major).</param>
    /// <param name="intercepts">q intercepts after the p·k weights (the first q outputs').</param>
    /// <param name="shift">Added to the intercepts' block: the δ of a damped operator (D already has it).</param>
    public static KroneckerPreconditioner Create(GramBasis.Whitened basis, double[] classCurvature, int outputs, int intercepts, double shift)
    {
        int k = outputs;
        if (classCurvature.Length != k * k) throw new ArgumentException($"A has {classCurvature.Length} entries, expected {k}×{k}.");
        var a = Matrix<double>.Build.DenseOfRowMajor(k, k, classCurvature);
        a = (a + a.Transpose()) * 0.5;
        var (v, m) = PsdEigen.Of(a.ToRowMajorArray(), k);

        var block = new double[intercepts * intercepts];
        if (intercepts > 0)
        {
            var b = a.SubMatrix(0, intercepts, 0, intercepts) + Matrix<double>.Build.DenseIdentity(intercepts) * shift;
            // A tiny ridge keeps a near-singular block (a class almost never or always predicted) invertible.
            double ridge = 1e-12 * Math.Max(b.Diagonal().Maximum(), double.Epsilon);
            var inverse = (b + Matrix<double>.Build.DenseIdentity(intercepts) * ridge).Inverse();
            for (int i = 0; i < intercepts; i++)
                for (int j = 0; j < intercepts; j++) block[i * intercepts + j] = inverse[i, j];
        }
        return new KroneckerPreconditioner(basis, k, v, m, block, intercepts);
    }

    /// <summary>z = P⁻¹ r.</summary>
    public double[] Apply(double[] r)
    {
        int p = _basis.Features, k = _outputs, weights = p * k;
        if (r.Length != weights + _intercepts) throw new ArgumentException($"r has {r.Length} entries, expected {weights + _intercepts}.");
        var scale = _basis.InverseSqrtPenalty;
        var r1 = new double[weights];
        for (int f = 0; f < p; f++)
            for (int c = 0; c < k; c++) r1[f * k + c] = r[f * k + c] * scale[f];
        // Z = Uᵀ R₁ V, divided entrywise by Λ_f M_c + 1, then back: U Z Vᵀ.
        var t = new double[weights];
        Gemm.Multiply(true, false, p, k, p, _basis.Vectors, p, r1, k, t, k, accumulate: false);
        var z = new double[weights];
        Gemm.Multiply(false, false, p, k, k, t, k, _v, k, z, k, accumulate: false);
        var lambda = _basis.Values;
        for (int f = 0; f < p; f++)
            for (int c = 0; c < k; c++) z[f * k + c] /= lambda[f] * _m[c] + 1.0;
        Gemm.Multiply(false, true, p, k, k, z, k, _v, k, t, k, accumulate: false);
        var result = new double[r.Length];
        Gemm.Multiply(false, false, p, k, p, _basis.Vectors, p, t, k, result, k, accumulate: false);
        for (int f = 0; f < p; f++)
            for (int c = 0; c < k; c++) result[f * k + c] *= scale[f];

        for (int i = 0; i < _intercepts; i++)
        {
            double s = 0;
            for (int j = 0; j < _intercepts; j++) s += _intercept[i * _intercepts + j] * r[weights + j];
            result[weights + i] = s;
        }
        return result;
    }
}
