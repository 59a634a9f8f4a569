using MathNet.Numerics.LinearAlgebra;

namespace HyperIft.Numerics.Solvers;

/// <summary>An explicit matrix as an operator: for tests, references and small problems.</summary>
public sealed class DenseOperator(Matrix<double> matrix) : ILinearOperator
{
    public Matrix<double> Matrix { get; } = matrix;
    public int Dimension => Matrix.RowCount;

    public ValueTask<double[]> Apply(double[] x, CancellationToken ct = default) =>
        ValueTask.FromResult((Matrix * Vector<double>.Build.DenseOfArray(x)).ToArray());

    public ValueTask<double[]> Diagonal(CancellationToken ct = default) => ValueTask.FromResult(Matrix.Diagonal().ToArray());
}
