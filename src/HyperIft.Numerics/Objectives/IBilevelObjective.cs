namespace HyperIft.Numerics.Objectives;

/// <summary>A loss and its gradient.</summary>
public readonly record struct LossGradient(double Loss, double[] Gradient);

/// <summary>
/// The bilevel problem as the solvers see it. Asynchronous, because an implementation may fan out
/// to a cluster. HVPs and cross terms are taken at the (θ, λ) of the last <see cref="TrainLossGrad"/>.
/// </summary>
public interface IBilevelObjective
{
    /// <summary>Dimension of θ.</summary>
    int ParameterCount { get; }

    /// <summary>Dimension of λ.</summary>
    int HyperCount { get; }

    /// <summary>True when f is convex in θ (a linear model); a network's is not, and needs a trust-region inner solver.</summary>
    bool Convex { get; }

    /// <summary>Where the inner solve starts without a warm start: 0 for linear models, a seeded initialization for networks.</summary>
    double[] InitialTheta { get; }

    /// <summary>f(θ, λ) and ∇_θ f; makes (θ, λ) the point of the products that follow.</summary>
    ValueTask<LossGradient> TrainLossGrad(double[] theta, double[] lambda, CancellationToken ct = default);

    /// <summary>∇²_θ f · v.</summary>
    ValueTask<double[]> TrainHvp(double[] v, CancellationToken ct = default);

    /// <summary>diag(∇²_θ f), for the Jacobi preconditioner.</summary>
    ValueTask<double[]> TrainHessianDiagonal(CancellationToken ct = default);

    /// <summary>A Kronecker-factored preconditioner of ∇²_θ f + shift·I (linear models), for <c>--kronecker</c>.</summary>
    ValueTask<Solvers.KroneckerPreconditioner> KroneckerPreconditioner(double shift, CancellationToken ct = default) =>
        throw new Solvers.SolverException("this objective has no Kronecker-factored preconditioner");

    /// <summary>(∂²f/∂λ∂θ)ᵀ v, a vector of length <see cref="HyperCount"/>.</summary>
    ValueTask<double[]> CrossTerm(double[] v, CancellationToken ct = default);

    /// <summary>g(θ) and ∇_θ g on the validation set.</summary>
    ValueTask<LossGradient> ValLossGrad(double[] theta, CancellationToken ct = default);
}
