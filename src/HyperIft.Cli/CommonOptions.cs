namespace HyperIft.Cli;

/// <summary>The options every computing command shares: data, model, λ and solver (SPEC §5).</summary>
public static class CommonOptions
{
    public static readonly OptionSpec[] Data =
    [
        new("model", "ridge | logistic | softmax", "MODEL"),
        new("hyper", "l2 | l2-feature | l2-param | example-weights", "KIND", "l2"),
        new("train", "training data: FILE.csv, FILE.svm, idx:IMAGES,LABELS, fashion-mnist[:test], synthetic[:n=..,p=..,c=..,seed=..]; a [start:end] suffix takes rows", "SOURCE"),
        new("val", "validation data, same forms (default with synthetic training data: its validation part)", "SOURCE"),
        new("label-column", "0-based label column of CSV files (default: the last)", "INDEX"),
        new("features", "number of features of LIBSVM files (default: largest index in training)", "P"),
        new("classes", "number of softmax classes (default: largest training label + 1)", "C"),
        new("standardize", "scale features by the training mean and standard deviation"),
        new("no-intercept", "fit no intercept"),
        new("l2", "fixed L2 strength used with example-weights", "VALUE", "1e-3"),
        new("lambda", "λ, broadcast to every entry", "VALUE", "0"),
        new("lambda-file", "λ, one value per line (l2-feature: by feature; l2-param: feature-major; example-weights: by row)", "FILE"),
    ];

    public static readonly OptionSpec[] Solver =
    [
        new("solver", "cg | neumann | exact: how v = H⁻¹∇g is found", "NAME", "cg"),
        new("tol", "inner ‖∇θ f‖ tolerance and CG relative residual tolerance", "TOL", "1e-10"),
        new("inner-tol", "inner ‖∇θ f‖ tolerance, if it should differ from --tol", "TOL"),
        new("max-cg-iter", "CG iteration cap", "N", "1000"),
        new("jacobi", "Jacobi-precondition CG"),
        new("neumann-terms", "terms of the Neumann series", "K", "100"),
        new("neumann-alpha", "Neumann step α (default: 1/(1.1·λmax) by power iteration)", "ALPHA"),
        new("shards", "number of training-data shards", "K", "1"),
        new("json", "print one JSON object on stdout (logs go to stderr)"),
        new("cluster", $"a running cluster: localhost[:GATEWAY,...] or a Redis connection string (default: ${ClusterConnection.EnvironmentVariable}, else an embedded silo)", "VALUE"),
    ];

    public static Numerics.Optimization.SolverSettings SolverSettings(ParsedArgs args)
    {
        double tol = args.Double("tol", 1e-10);
        if (tol <= 0) throw new UsageException("--tol must be positive");
        double innerTol = args.Double("inner-tol", tol);
        if (innerTol <= 0) throw new UsageException("--inner-tol must be positive");
        return new Numerics.Optimization.SolverSettings(
            Solver: args.Choice("solver", Numerics.Optimization.SolverSettings.SolverNames, "cg"),
            InnerTolerance: innerTol,
            SolverTolerance: tol,
            MaxCgIterations: args.Int("max-cg-iter", 1000, min: 1),
            Jacobi: args.Flag("jacobi"),
            NeumannTerms: args.Int("neumann-terms", 100, min: 1),
            NeumannAlpha: args.DoubleOrNull("neumann-alpha") is { } a
                ? a > 0 ? a : throw new UsageException("--neumann-alpha must be positive")
                : null);
    }
}
