namespace HyperIft.Numerics.Optimization;

/// <summary>
/// Where one hypergradient's time went: the inner solve, the linear solve for v (with the validation
/// gradient it needs) and the cross term (∂²f/∂λ∂θ)ᵀ v.
/// </summary>
public sealed record PhaseSeconds(double Inner, double LinearSolve, double CrossTerm);
