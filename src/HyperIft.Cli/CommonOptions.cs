using System.CommandLine;
using HyperIft.Abstractions;
using HyperIft.Numerics.Hyperparameters;
using HyperIft.Numerics.Models;
using Settings = HyperIft.Numerics.Optimization.SolverSettings;

namespace HyperIft.Cli;

/// <summary>The options the commands share, each declared once: data, model, λ, solver, output and cluster (SPEC §5).</summary>
public static class CommonOptions
{
    public static readonly Option<string> Model = Declare.Choice("--model", "MODEL", ModelKinds.Names, Declare.Alternatives(ModelKinds.Names), required: true);
    public static readonly Option<string> Hyper = Declare.Choice("--hyper", "KIND", HyperparameterKinds.Names, Declare.Alternatives(HyperparameterKinds.Names), "l2");
    public static readonly Option<string> Train = Declare.Text("--train", "SOURCE",
        "training data: FILE.csv, FILE.svm, idx:IMAGES,LABELS, fashion-mnist[:test], synthetic[:n=..,p=..,c=..,seed=..]; a [start:end] suffix takes rows", required: true);
    public static readonly Option<string> Val = Declare.Text("--val", "SOURCE", "validation data, same forms (default with synthetic training data: its validation part)");
    public static readonly Option<int?> LabelColumn = Declare.OptionalInt("--label-column", "INDEX", "0-based label column of CSV files (default: the last)", min: 0);
    public static readonly Option<int?> Features = Declare.OptionalInt("--features", "P", "number of features of LIBSVM files (default: the largest index read)", min: 1);
    public static readonly Option<int?> Classes = Declare.OptionalInt("--classes", "C", "number of softmax classes (default: largest training label + 1)", min: 2);
    public static readonly Option<bool> Standardize = Declare.Flag("--standardize", "scale features by the training mean and standard deviation (centering makes sparse data dense)");
    public static readonly Option<bool> Sparse = Declare.Flag("--sparse", "store the features sparse (CSR): time and memory in the non-zeros; LIBSVM files always are");
    public static readonly Option<bool> NoIntercept = Declare.Flag("--no-intercept", "fit no intercept");
    public static readonly Option<double> L2 = Declare.Double("--l2", "VALUE",
        "fixed L2 strength: all weights under example-weights, distill and augment, an mlp's hidden biases, and its deeper layers under l2-feature", ExampleWeights.DefaultL2, positive: true);
    public static readonly Option<string> Hidden = Declare.Text("--hidden", "H1[,H2,...]", $"mlp: hidden layer widths (default {DefaultHidden})",
        problem: text => { try { ModelShape.ParseHidden(text); return string.IsNullOrWhiteSpace(text) ? "give at least one width" : null; } catch (ArgumentException e) { return e.Message; } });
    public static readonly Option<string> Activation = Declare.Choice("--activation", "NAME", Activations.Names, $"mlp: {Declare.Alternatives(Activations.Names)} (default tanh)");
    public static readonly Option<int> Seed = Declare.Int("--seed", "N", "seed of the mlp's Glorot initialization, distill's start noise and augment's noise", 0, min: 0);
    public static readonly Option<string> Init = Declare.Text("--init", "FILE", "θ to start the first inner solve from, one value per line in the layout of SPEC §7 (overrides --seed)");
    public static readonly Option<int> DistillPerClass = Declare.Int("--distill-per-class", "K", "distill: synthetic rows per class (λ has K·C·p entries)", 1, min: 1);
    public static readonly Option<string> DistillInit = Declare.Choice("--distill-init", "NAME", DistillStarts.Names,
        "distill: where λ starts unless --lambda-file: class-mean (each class's mean training row + N(0, 0.01²)) | random (N(0, 1))", "class-mean");
    public static readonly Option<int> AugmentCopies = Declare.Int("--augment-copies", "R", "augment: augmented copies of every training row", 1, min: 1);
    public static readonly Option<int> AugmentNoise = Declare.Int("--augment-noise", "Q", "augment: width of each copy's fixed noise ε (λ has p² + p·Q + p entries)", 16, min: 1);
    public static readonly Option<double> Lambda = Declare.Double("--lambda", "VALUE", "λ, broadcast to every entry", 0);
    public static readonly Option<string> LambdaFile = Declare.Text("--lambda-file", "FILE", "λ, one value per line (l2-feature: by feature; l2-param: feature-major; example-weights: by row)");

    public static readonly Option<string> Solver = Declare.Choice("--solver", "NAME", Settings.SolverNames, $"{Declare.Alternatives(Settings.SolverNames)}: how v = H⁻¹∇g is found", "cg");
    public static readonly Option<double> Tol = Declare.Double("--tol", "TOL", "inner ‖∇θ f‖ tolerance and CG relative residual tolerance", 1e-10, positive: true);
    public static readonly Option<double?> InnerTol = Declare.OptionalDouble("--inner-tol", "TOL", "inner ‖∇θ f‖ tolerance, if it should differ from --tol", positive: true);
    public static readonly Option<int> MaxCgIter = WithAlias(Declare.Int("--max-cg-iter", "N",
        "CG iteration cap, of the linear solve and of each Newton step of the inner solve; a linear solve stopped there is used as is (truncated CG, an approximation), with a warning", 1000, min: 1), "--max-cg");
    public static readonly Option<double?> Damping = Declare.OptionalDouble("--damping", "DELTA",
        "solve (H + δI)v = ∇g: for an mlp whose Hessian at θ* is not positive definite", positive: true);
    public static readonly Option<bool> Jacobi = Declare.Flag("--jacobi", "Jacobi-precondition CG");
    public static readonly Option<bool> Kronecker = Declare.Flag("--kronecker",
        "precondition CG by the Hessian's Kronecker factors, S = XᵀX/n ⊗ mean output curvature + the L2 penalty (ridge, logistic, softmax; p ≤ 4096)");
    public static readonly Option<int> NeumannTerms = Declare.Int("--neumann-terms", "K", "terms of the Neumann series", 100, min: 1);
    public static readonly Option<double?> NeumannAlpha = Declare.OptionalDouble("--neumann-alpha", "ALPHA", "Neumann step α (default: 1/(1.1·λmax) by power iteration)", positive: true);
    public static readonly Option<int> Shards = Declare.Int("--shards", "K", "number of training-data shards", 1, min: 1, max: ProblemSpec.MaxShards);

    public static readonly Option<bool> Json = Declare.Flag("--json", "print one JSON object on stdout (logs go to stderr)");
    public static readonly Option<string> Cluster = Declare.Text("--cluster", "VALUE",
        $"a running cluster: localhost[:GATEWAY,...] or a Redis connection string (default: ${ClusterConnection.EnvironmentVariable}, else an embedded silo)");

    /// <summary>--hyper of the commands that weigh training rows (clean, influence): that one kind only.</summary>
    public static readonly Option<string> RowWeightsHyper = Declare.Choice("--hyper", "KIND", [ExampleWeights.KindName],
        $"{ExampleWeights.KindName}: one weight per training row (the only kind here)", ExampleWeights.KindName);

    /// <summary>The data, model and λ options of every computing command.</summary>
    public static readonly Option[] Data = [Model, Hyper, Train, Val, LabelColumn, Features, Sparse, Classes, Standardize, NoIntercept, L2, Hidden, Activation, Seed, Init, Lambda, LambdaFile,
        DistillPerClass, DistillInit, AugmentCopies, AugmentNoise];

    /// <summary>The options of the kinds that make the inputs (SPEC §8), each with its kind.</summary>
    public static readonly (Option Option, string Kind)[] InputKindOptions =
        [(DistillPerClass, Distill.KindName), (DistillInit, Distill.KindName), (AugmentCopies, Augment.KindName), (AugmentNoise, Augment.KindName)];

    /// <summary><see cref="Data"/> with <see cref="RowWeightsHyper"/> for --hyper, without the data kinds' options.</summary>
    public static readonly Option[] RowWeightsData = Data.Where(o => InputKindOptions.All(k => k.Option != o)).Select(o => o == Hyper ? RowWeightsHyper : o).ToArray();

    /// <summary>The solver options, then --json and --cluster.</summary>
    public static readonly Option[] Solving = [Solver, Tol, InnerTol, MaxCgIter, Jacobi, Kronecker, NeumannTerms, NeumannAlpha, Damping, Shards, Json, Cluster];

    /// <summary>scikit-learn's MLPClassifier default: one hidden layer of 100 units.</summary>
    public const string DefaultHidden = "100";

    private static Option<T> WithAlias<T>(Option<T> option, string alias)
    {
        option.Aliases.Add(alias);
        return option;
    }

    public static Settings SolverSettings(ParseResult args)
    {
        double tol = args.GetValue(Tol);
        return new Settings(
            Solver: args.GetValue(Solver)!,
            InnerTolerance: args.GetValue(InnerTol) ?? tol,
            SolverTolerance: tol,
            MaxCgIterations: args.GetValue(MaxCgIter),
            Jacobi: args.GetValue(Jacobi),
            NeumannTerms: args.GetValue(NeumannTerms),
            NeumannAlpha: args.GetValue(NeumannAlpha),
            Damping: args.GetValue(Damping) ?? 0,
            Kronecker: args.GetValue(Kronecker));
    }
}
