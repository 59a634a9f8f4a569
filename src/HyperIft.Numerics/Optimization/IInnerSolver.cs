using HyperIft.Numerics.Objectives;

namespace HyperIft.Numerics.Optimization;

/// <summary>
/// Finds θ*(λ) = argmin_θ f(θ, λ) to ‖∇_θ f‖₂ ≤ <see cref="Tolerance"/>, from the given start or
/// else the objective's <see cref="IBilevelObjective.InitialTheta"/>. On return the objective's
/// point is the returned θ, so the Hessian products that follow are taken at θ*.
/// </summary>
public interface IInnerSolver
{
    double Tolerance { get; }

    ValueTask<InnerResult> Minimize(IBilevelObjective objective, double[] lambda, double[]? initialTheta = null,
        CancellationToken ct = default);
}
