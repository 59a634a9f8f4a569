using HyperIft.Abstractions;
using HyperIft.Numerics;
using HyperIft.Numerics.Optimization;

namespace HyperIft.Grains.Tests;

[Collection(ClusterCollection.Name)]
public class DistributedHypergradientTests(ClusterFixture fixture)
{
    public static IEnumerable<object[]> Cases() =>
        from model in new[] { "ridge", "logistic", "softmax", "mlp" }
        from shards in new[] { 1, 3, 8 }
        select new object[] { model, shards };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Distributed_hypergradient_equals_the_in_process_one(string model, int shards)
    {
        string hyper = model switch { "logistic" => "example-weights", "mlp" => "l2-layer", _ => "l2-feature" };
        var spec = Problems.Spec(model, hyper, "synthetic:n=500,p=12,c=4,seed=7", shards, hidden: model == "mlp" ? "7,5" : "");
        var coordinator = fixture.Client.GetGrain<ICoordinatorGrain>($"hg-{model}-{shards}-{Guid.NewGuid():N}");
        var info = await coordinator.Configure(spec);
        Assert.Equal((500, 250, 12), (info.TrainRows, info.ValidationRows, info.Features));

        var lambda = Problems.Lambda(info.HyperCount, hyper == "example-weights" ? 0.2 : -2.0);
        var reply = await coordinator.Hypergradient(new HypergradientRequest(
            await VectorTransfer.Send(coordinator, lambda), Problems.TightCg, null, null));
        var distributed = await VectorTransfer.Fetch(coordinator, reply.Hypergradient);

        var localObjective = Problems.Local(spec);
        var local = await Problems.TightCg.Build(localObjective.Convex).Compute(localObjective, lambda);
        Problems.AssertRelative(distributed, local.Hypergradient, 1e-12, $"{model}, {shards} shards");
        Assert.Equal(local.ValidationLoss, reply.ValidationLoss, 1e-14);
        Assert.Equal(local.Solve.Iterations, reply.SolverIterations);
    }

    public static IEnumerable<object[]> InputCases() =>
        from model in new[] { "softmax", "mlp" }
        from kind in new[] { "distill", "augment" }
        from shards in new[] { 1, 3, 8 }
        select new object[] { model, kind, shards };

    [Theory]
    [MemberData(nameof(InputCases))]
    public async Task Distributed_hypergradient_of_learned_data_equals_the_in_process_one(string model, string kind, int shards)
    {
        var spec = Problems.Spec(model, kind, "synthetic:n=300,p=6,c=3,seed=9", shards, hidden: model == "mlp" ? "5" : "")
            with { DistillPerClass = 3, AugmentCopies = 2, AugmentNoise = 4, Seed = 2 };
        var coordinator = fixture.Client.GetGrain<ICoordinatorGrain>($"hg-{kind}-{model}-{shards}-{Guid.NewGuid():N}");
        var info = await coordinator.Configure(spec);
        Assert.Equal(kind == "distill" ? 9 : 300, info.TrainRows);
        Assert.Equal(kind == "distill" ? 9 * 6 : 36 + 24 + 6, info.HyperCount);

        var lambda = Problems.Lambda(info.HyperCount, 0.0).Select(l => kind == "augment" ? 0.2 * l : l).ToArray();
        var reply = await coordinator.Hypergradient(new HypergradientRequest(
            await VectorTransfer.Send(coordinator, lambda), Problems.TightCg, null, null));
        var distributed = await VectorTransfer.Fetch(coordinator, reply.Hypergradient);

        var localObjective = Problems.Local(spec);
        var local = await Problems.TightCg.Build(localObjective.Convex).Compute(localObjective, lambda);
        Problems.AssertRelative(distributed, local.Hypergradient, 1e-12, $"{model} {kind}, {shards} shards");
        Assert.Equal(local.ValidationLoss, reply.ValidationLoss, 1e-14);
        Assert.True(Vec.Norm(local.Hypergradient) > 1e-6);
    }

    [Fact]
    public async Task An_augmentation_larger_than_one_message_travels_in_chunks_to_every_shard()
    {
        // p = 361: A alone is 130,321 values; λ, each shard's copy of it and every shard's cross term exceed one chunk.
        var spec = Problems.Spec("softmax", "augment", "synthetic:n=60,p=361,c=3,seed=4", 2) with { AugmentNoise = 4 };
        var coordinator = fixture.Client.GetGrain<ICoordinatorGrain>($"augment-chunks-{Guid.NewGuid():N}");
        var info = await coordinator.Configure(spec);
        Assert.True(info.HyperCount > VectorTransfer.ChunkValues);
        var lambda = Problems.Lambda(info.HyperCount, 0.0).Select(l => 0.002 * l).ToArray();
        var reply = await coordinator.Hypergradient(new HypergradientRequest(
            await VectorTransfer.Send(coordinator, lambda), Problems.TightCg, null, null));
        Assert.True(reply.Hypergradient.IsStaged);
        var distributed = await VectorTransfer.Fetch(coordinator, reply.Hypergradient);
        var localObjective = Problems.Local(spec);
        var local = await Problems.TightCg.Build().Compute(localObjective, lambda);
        Problems.AssertRelative(distributed, local.Hypergradient, 1e-12, "augment λ in chunks");
    }

    [Fact]
    public async Task Row_hyperparameters_reach_the_shards_once_per_change_not_once_per_inner_iteration()
    {
        // 20,000 example weights over 3 shards and θ of 5 entries: the vector traffic is n-sized terms only.
        const int n = 20_000;
        var spec = Problems.Spec("logistic", "example-weights", $"synthetic:n={n},p=4,seed=3", 3);
        var coordinator = fixture.Client.GetGrain<ICoordinatorGrain>($"rowlambda-{Guid.NewGuid():N}");
        await coordinator.Configure(spec);
        var first = Problems.Lambda(n, 0.2);
        await VectorTransfer.Fetch(coordinator, (await coordinator.Hypergradient(new HypergradientRequest(
            await VectorTransfer.Send(coordinator, first), Problems.TightCg, null, null))).Hypergradient);

        // The next outer step's λ: λ in, the shards' slices once, their ∇ℓ_i·v back, dg/dλ out = 4n,
        // however many inner iterations set a new θ (each would have carried the slices again).
        var lambda = first.Select(l => l + 0.3).ToArray();
        long before = VectorTransfer.ValuesMoved;
        var reply = await coordinator.Hypergradient(new HypergradientRequest(
            await VectorTransfer.Send(coordinator, lambda), Problems.TightCg, null, null));
        var distributed = await VectorTransfer.Fetch(coordinator, reply.Hypergradient);
        long moved = VectorTransfer.ValuesMoved - before;
        Assert.True(reply.InnerIterations >= 2, $"{reply.InnerIterations} inner iterations: the test needs several set-points");
        Assert.True(moved <= 4 * n + n / 10, $"{moved} values moved for n = {n} ({(double)moved / n:F2} n) with {reply.InnerIterations} inner iterations");

        // In process, the same two solves (the second warm-started from the first, as the coordinator does).
        var objective = Problems.Local(spec);
        var warm = (await Problems.TightCg.Build().Compute(objective, first)).NextWarmStart;
        var local = await Problems.TightCg.Build().Compute(objective, lambda, warm);
        Problems.AssertRelative(distributed, local.Hypergradient, 1e-12, "row hyperparameters kept on the shards");
    }

    [Fact]
    public async Task Vectors_larger_than_one_message_travel_in_chunks()
    {
        // 140,000 example weights: λ, the row slices and the hypergradient all exceed one chunk.
        var spec = Problems.Spec("ridge", "example-weights", "synthetic:n=140000,p=3,seed=2,m=2000", 1);
        var coordinator = fixture.Client.GetGrain<ICoordinatorGrain>($"chunks-{Guid.NewGuid():N}");
        var info = await coordinator.Configure(spec);
        Assert.True(info.HyperCount > VectorTransfer.ChunkValues);
        var lambda = Problems.Lambda(info.HyperCount, 0.1);
        var sent = await VectorTransfer.Send(coordinator, lambda);
        Assert.True(sent.IsStaged);
        var reply = await coordinator.Hypergradient(new HypergradientRequest(sent, Problems.TightCg, null, null));
        Assert.True(reply.Hypergradient.IsStaged);
        var distributed = await VectorTransfer.Fetch(coordinator, reply.Hypergradient);
        var local = await Problems.TightCg.Build().Compute(Problems.Local(spec), lambda);
        Problems.AssertRelative(distributed, local.Hypergradient, 1e-12, "chunked example weights");
    }

    [Fact]
    public async Task A_network_theta_larger_than_one_message_travels_in_chunks_and_gives_the_in_process_result()
    {
        // 60 inputs → 2,400 hidden units → 3 classes: θ has 153,602 entries, over one chunk, on every
        // set-point, HVP and reply; 1 and 3 shards give the in-process hypergradient.
        foreach (int shards in new[] { 1, 3 })
        {
            var spec = Problems.Spec("mlp", "l2-layer", "synthetic:n=90,p=60,c=3,seed=3", shards, hidden: "2400");
            var coordinator = fixture.Client.GetGrain<ICoordinatorGrain>($"wide-{shards}-{Guid.NewGuid():N}");
            var info = await coordinator.Configure(spec);
            Assert.True(info.ParameterCount > VectorTransfer.ChunkValues, $"θ has {info.ParameterCount} entries");
            var lambda = Problems.Lambda(info.HyperCount, -1.5);
            // Loose tolerances keep the test short; both sides solve with the same ones. θ* that loose
            // need not be a minimum, so v solves the damped system (H + I)v = ∇g, positive definite there.
            var settings = new SolverSettings(InnerTolerance: 1e-4, SolverTolerance: 1e-6, Damping: 1.0);
            var reply = await coordinator.Hypergradient(new HypergradientRequest(await VectorTransfer.Send(coordinator, lambda), settings, null, null));
            Assert.True(reply.Theta.IsStaged);
            var theta = await VectorTransfer.Fetch(coordinator, reply.Theta);
            var localObjective = Problems.Local(spec);
            var local = await settings.Build(convex: false).Compute(localObjective, lambda);
            Problems.AssertRelative(theta, local.Theta, 1e-12, $"θ*, {shards} shards");
            var hypergradient = await VectorTransfer.Fetch(coordinator, reply.Hypergradient);
            Assert.True(Vec.Norm(hypergradient) > 1e-6, $"‖dg/dλ‖ = {Vec.Norm(hypergradient):E2}: a vanishing hypergradient would make this comparison vacuous");
            Problems.AssertRelative(hypergradient, local.Hypergradient, 1e-12, $"hypergradient, {shards} shards");
        }
    }

    [Fact]
    public async Task Bad_input_on_a_silo_comes_back_as_one_clear_message()
    {
        var spec = Problems.Spec("ridge", "l2", "/nonexistent/train.csv", 2);
        var coordinator = fixture.Client.GetGrain<ICoordinatorGrain>($"bad-{Guid.NewGuid():N}");
        var error = await Assert.ThrowsAsync<ProblemInputException>(() => coordinator.Configure(spec));
        Assert.Equal("/nonexistent/train.csv: file not found", error.Message);
    }
}
