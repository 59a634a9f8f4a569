using HyperIft.Abstractions;
using HyperIft.Grains.Storage;
using HyperIft.Numerics.Optimization;
using Orleans.Runtime;

namespace HyperIft.Grains.Tests;

[Collection(ClusterCollection.Name)]
public class TunerTests(ClusterFixture fixture, ITestOutputHelper output)
{
    /// <summary>A network's Hessian is ill-conditioned: its runs solve to 1e-8, which keeps the tests short.</summary>
    private static readonly SolverSettings NetworkSolves = new(InnerTolerance: 1e-8, SolverTolerance: 1e-8);

    private static SolverSettings SolvesFor(ProblemSpec problem) => problem.Model == "mlp" ? NetworkSolves : Problems.TightCg;

    private static RunSpec Run(ProblemSpec problem, int steps) =>
        new(problem, SolvesFor(problem), new OuterSpec(steps, "adam", 0.2, "constant"));

    /// <summary>The local outer loop: the reference every cluster run must reproduce.</summary>
    private static async Task<(List<double> Losses, double[] Lambda)> LocalRun(ProblemSpec problem, int steps, double[] lambda0)
    {
        var loop = new OuterLoop(SolvesFor(problem), new Adam(0.2), ToleranceSchedule.Constant);
        var objective = Problems.Local(problem);
        var state = TuningState.Start(lambda0);
        var losses = new List<double>();
        for (int k = 0; k < steps; k++)
        {
            (state, var record, _) = await loop.Step(objective, state);
            losses.Add(record.ValidationLoss);
        }
        return (losses, state.Lambda);
    }

    private async Task<(RunSnapshot Snapshot, double[] Lambda)> ClusterRun(string runId, ProblemSpec problem, int steps,
        double[] lambda0, Func<RunSnapshot, Task>? during = null)
    {
        await RunClient.Start(fixture.Client, runId, Run(problem, steps), _ => lambda0);
        var tuner = fixture.Client.GetGrain<ITunerGrain>(runId);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        RunSnapshot snapshot;
        while (true)
        {
            snapshot = await RetryWhileClusterHeals(() => tuner.Status(0));
            if (during is not null) await during(snapshot);
            if (RunClient.IsFinished(snapshot.Status)) break;
            Assert.True(DateTime.UtcNow < deadline, $"run {runId} stuck at step {snapshot.Step} ({snapshot.Status})");
            await Task.Delay(100);
        }
        Assert.True(snapshot.Status == RunStatus.Completed, $"{snapshot.Status}: {snapshot.Reason}");
        return (snapshot, await RetryWhileClusterHeals(() => RunClient.Lambda(fixture.Client, runId)));
    }

    [Fact]
    public async Task Ten_outer_steps_through_the_grains_follow_the_local_trajectory()
    {
        var problem = Problems.Spec("logistic", "l2-feature", "synthetic:n=600,p=10,seed=11", 3);
        var lambda0 = Problems.Lambda(10, -1.0);
        var (losses, lambda) = await LocalRun(problem, 10, lambda0);
        var (snapshot, clusterLambda) = await ClusterRun($"trajectory-{Guid.NewGuid():N}", problem, 10, lambda0);

        Problems.AssertRelative(clusterLambda, lambda, 1e-10, "final λ");
        Assert.Equal(10, snapshot.History.Count);
        for (int k = 0; k < 10; k++) Assert.Equal(losses[k], snapshot.History[k].ValidationLoss, 1e-12);
        var final = await RunClient.FinalEvaluation(fixture.Client, snapshot.RunId);
        Assert.NotNull(final);
        Assert.Equal(10, final.Hypergradient.Length);
        Assert.Equal(11, final.Theta.Length);
    }

    [Fact]
    public async Task Four_concurrent_runs_each_give_what_they_give_alone()
    {
        var problems = new[]
        {
            Problems.Spec("ridge", "l2-feature", "synthetic:n=400,p=8,seed=1", 2),
            Problems.Spec("logistic", "l2", "synthetic:n=400,p=8,seed=2", 3),
            Problems.Spec("softmax", "l2-feature", "synthetic:n=400,p=8,c=3,seed=3", 4),
            Problems.Spec("logistic", "example-weights", "synthetic:n=300,p=6,seed=4", 2),
        };
        var starts = problems.Select((p, i) => p.Hyper switch
        {
            "l2" => Problems.Lambda(1, -1.0),
            "example-weights" => Problems.Lambda(300, 0.0),
            _ => Problems.Lambda(8, -1.5 + 0.1 * i),
        }).ToArray();

        var alone = await Task.WhenAll(problems.Select((p, i) => LocalRun(p, 6, starts[i])));
        var together = await Task.WhenAll(problems.Select((p, i) => ClusterRun($"concurrent-{i}-{Guid.NewGuid():N}", p, 6, starts[i])));
        for (int i = 0; i < problems.Length; i++)
            Problems.AssertRelative(together[i].Lambda, alone[i].Lambda, 1e-10, $"run {i}");
    }

    [Theory]
    [InlineData("softmax")]
    [InlineData("mlp")]
    [InlineData("example-weights")] // the shards keep their slices of λ: a restarted shard must get its slice again
    [InlineData("distill")] // shards of synthetic slots, rebuilt from λ alone
    [InlineData("augment")] // shards rebuild their copies from λ and the seeded noise
    public async Task A_run_whose_silo_is_killed_completes_with_the_undisturbed_result(string model)
    {
        var problem = model switch
        {
            "distill" => Problems.Spec("softmax", "distill", "synthetic:n=800,p=40,c=5,seed=5", 6) with { DistillPerClass = 2 },
            "augment" => Problems.Spec("mlp", "augment", "synthetic:n=600,p=8,c=3,seed=5", 6, hidden: "6") with { AugmentNoise = 3 },
            "mlp" => Problems.Spec("mlp", "l2-feature", "synthetic:n=800,p=40,c=5,seed=5", 6, hidden: "8"),
            "example-weights" => Problems.Spec("logistic", "example-weights", "synthetic:n=3000,p=10,seed=5", 6),
            _ => Problems.Spec("softmax", "l2-feature", "synthetic:n=6000,p=40,c=5,seed=5", 6),
        };
        var lambda0 = model switch
        {
            "example-weights" => Problems.Lambda(3000, 0.2),
            "distill" => Problems.Lambda(2 * 5 * 40, 0.0),
            "augment" => Problems.Lambda(8 * 8 + 8 * 3 + 8, 0.0).Select(l => 0.1 * l).ToArray(),
            _ => Problems.Lambda(40, -2.0),
        };
        int steps = model switch { "mlp" or "augment" => 8, "example-weights" or "distill" => 10, _ => 14 };
        var (_, expected) = await LocalRun(problem, steps, lambda0);

        bool killed = false, tunerKilled = false;
        var (snapshot, lambda) = await ClusterRun($"kill-{Guid.NewGuid():N}", problem, steps, lambda0, async s =>
        {
            if (killed || s.Step < 3) return;
            killed = true;
            // Kill the tuner's silo unless it is the primary (which hosts the test's membership view);
            // then kill another, which holds shards of the run.
            var victim = fixture.Cluster.Silos.FirstOrDefault(h => h.SiloAddress.ToString() == s.Silo && h != fixture.Cluster.Silos[0])
                         ?? fixture.Cluster.Silos.First(h => h != fixture.Cluster.Silos[0]);
            tunerKilled = victim.SiloAddress.ToString() == s.Silo;
            output.WriteLine($"step {s.Step}: killing {victim.SiloAddress} (tuner on {s.Silo})");
            await fixture.Cluster.KillSiloAsync(victim);
            await fixture.Cluster.StartAdditionalSiloAsync();
        });

        Assert.True(killed, "the run ended before a silo could be killed");
        output.WriteLine($"completed on {snapshot.Silo} after {snapshot.Recoveries} tuner recoveries");
        if (tunerKilled) Assert.True(snapshot.Recoveries >= 1, "the tuner's silo died, so the run must have resumed elsewhere");
        Problems.AssertRelative(lambda, expected, 1e-9, "final λ after a silo died");
        Assert.Equal(steps, snapshot.History.Count);
    }

    [Fact]
    public async Task A_run_of_example_weights_keeps_lambda_on_the_shards_and_moves_no_row_vector_a_step()
    {
        // Two runs that differ only in their number of steps: what the extra steps moved is the difference.
        // Before λ lived on the shards, a step moved λ in, the slices, ∇ℓ_i·v and dg/dλ back: 4n values.
        const int n = 200_000;
        var problem = Problems.Spec("logistic", "example-weights", $"synthetic:n={n},p=6,seed=9", 3);
        var lambda0 = Problems.Lambda(n, 0.0);
        async Task<(long Moved, double[] Lambda)> Measured(int steps)
        {
            long before = VectorTransfer.ValuesMoved;
            var (_, lambda) = await ClusterRun($"held-{steps}-{Guid.NewGuid():N}", problem, steps, lambda0);
            return (VectorTransfer.ValuesMoved - before, lambda);
        }
        var (two, _) = await Measured(2);
        var (five, lambda5) = await Measured(5);
        double perStep = (five - two) / 3.0;
        output.WriteLine($"n = {n}: {perStep:F0} values a step ({8 * perStep / 1e3:F1} kB)");
        Assert.True(perStep < n / 100.0, $"{perStep:F0} values moved a step for n = {n}");

        var (_, expected) = await LocalRun(problem, 5, lambda0);
        Problems.AssertRelative(lambda5, expected, 1e-10, "final λ of the held run");
    }

    [Fact]
    public async Task A_held_step_asked_again_before_its_commit_gives_the_same_lambda_and_the_next_step_takes_it_on()
    {
        // What a tuner that died between the shards' writes and its own commit does: it asks for the same step again.
        var problem = Problems.Spec("logistic", "example-weights", "synthetic:n=500,p=5,seed=6", 3);
        var lambda0 = Problems.Lambda(500, 0.0);
        var coordinator = fixture.Client.GetGrain<ICoordinatorGrain>($"held-{Guid.NewGuid():N}");
        await coordinator.Configure(problem);
        await coordinator.HoldLambda(await VectorTransfer.Send(coordinator, lambda0));
        HeldLambdaStep At(int step) => new(step, "adam", 0.2);
        async Task<SliceSummary> Step(int step) =>
            (await coordinator.HeldStep(new HeldStepRequest(At(step), Problems.TightCg, null, null))).Slices;

        var first = await Step(0);
        // A client read λ at step 1 (the shards take it on in memory) before the run recorded step 1 ...
        var ahead = await VectorTransfer.Fetch(coordinator, await coordinator.HeldLambda(At(1)));
        Assert.NotEqual(lambda0, ahead);
        // ... and the run comes back at step 0: the slices still answer from what they recorded.
        var again = await Step(0);
        Assert.Equal(first, again);
        Assert.Equal(lambda0, await VectorTransfer.Fetch(coordinator, await coordinator.HeldLambda(At(0))));
        var second = await Step(1);
        var lambda2 = await VectorTransfer.Fetch(coordinator, await coordinator.HeldLambda(At(2)));

        var (_, expected) = await LocalRun(problem, 2, lambda0);
        Problems.AssertRelative(lambda2, expected, 1e-10, "λ after two held steps, the first asked twice");
        Assert.Equal(500, second.Count);
        // Asked for a step the slices cannot reach (they lack step 2's gradient): one clear failure, not a wrong λ.
        var e = await Assert.ThrowsAsync<ComputationFailedException>(() => coordinator.HeldLambda(At(3)));
        Assert.Contains("cannot be reached", e.Message);
    }

    [Fact]
    public async Task Reading_a_held_lambda_does_not_wait_for_the_step_in_progress()
    {
        // A first step of many Neumann terms takes seconds; λ (more than one chunk) is read in the middle of it.
        // Waiting for the step would show as a status past step 0 once the read returns.
        const int n = 140_000;
        var problem = Problems.Spec("logistic", "example-weights", $"synthetic:n={n},p=8,seed=3", 2);
        string runId = $"held-read-{Guid.NewGuid():N}";
        var spec = new RunSpec(problem, Problems.TightCg with { Solver = "neumann", NeumannTerms = 400 }, new OuterSpec(3, "adam", 0.2, "constant"));
        var lambda0 = Problems.Lambda(n, 0.0);
        await RunClient.Start(fixture.Client, runId, spec, _ => lambda0);
        var tuner = fixture.Client.GetGrain<ITunerGrain>(runId);
        await Task.Delay(1000); // inside step 0's solves

        var lambda = await RunClient.Lambda(fixture.Client, runId);
        var status = await tuner.Status(int.MaxValue);
        Assert.Equal(0, status.Step);
        Assert.Equal(lambda0, lambda);

        await tuner.Cancel("done by the test");
        Assert.Equal(lambda0, await RunClient.Lambda(fixture.Client, runId)); // home with the cancel
    }

    [Theory]
    [InlineData("l2-feature")]
    [InlineData("example-weights")] // the shards' slices of λ vanish too, and are written back from memory
    public async Task A_run_whose_stored_state_vanished_restores_it_and_completes_with_the_undisturbed_result(string kind)
    {
        // As when Redis restarts without its data: every record in storage is gone mid-run.
        var problem = Problems.Spec("logistic", kind, "synthetic:n=2000,p=12,seed=21", 3);
        var lambda0 = Problems.Lambda(kind == "l2-feature" ? 12 : 2000, kind == "l2-feature" ? -1.0 : 0.0);
        const int steps = 10;
        var (_, expected) = await LocalRun(problem, steps, lambda0);

        bool wiped = false;
        string runId = $"wiped-{Guid.NewGuid():N}";
        var (snapshot, lambda) = await ClusterRun(runId, problem, steps, lambda0, s =>
        {
            if (wiped || s.Step < 3) return Task.CompletedTask;
            wiped = true;
            foreach (var file in Directory.GetFiles(fixture.StorageFolder)) File.Delete(file);
            return Task.CompletedTask;
        });

        Assert.True(wiped, "the run ended before its state could be wiped");
        Problems.AssertRelative(lambda, expected, 1e-10, "final λ after storage lost the run");
        Assert.Equal(steps, snapshot.History.Count);
        // The registry wrote itself back too, and knows the run finished.
        var listed = await fixture.Client.GetGrain<IRunRegistryGrain>(0).List();
        Assert.Equal(RunStatus.Completed, listed.Single(r => r.RunId == runId).Status);
    }

    [Fact]
    public async Task A_silo_that_joins_mid_run_takes_its_share_of_the_shards_and_gives_it_back_when_it_leaves()
    {
        var problem = Problems.Spec("softmax", "l2-feature", "synthetic:n=12000,p=40,c=5,seed=12", 8);
        var lambda0 = Problems.Lambda(40, -2.0);
        const int steps = 30;
        var (_, steady) = await ClusterRun($"steady-{Guid.NewGuid():N}", problem, steps, lambda0);

        string runId = $"scale-{Guid.NewGuid():N}";
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        async Task<Dictionary<SiloAddress, int>> ShardsPerSilo() =>
            (await management.GetDetailedGrainStatistics())
            .Where(g => g.GrainId.Key.ToString()!.StartsWith($"{runId}/train/", StringComparison.Ordinal))
            .GroupBy(g => g.SiloAddress).ToDictionary(g => g.Key, g => g.Count());

        int silosBefore = (await management.GetHosts(onlyActive: true)).Count;
        Orleans.TestingHost.InProcessSiloHandle? joined = null;
        int joinedAt = -1, leftAt = -1;
        Dictionary<SiloAddress, int>? withJoined = null, afterLeaving = null, lastSeen = null;
        var nextSample = DateTime.MinValue;
        var (snapshot, lambda) = await ClusterRun(runId, problem, steps, lambda0, async s =>
        {
            if (joined is null && s.Step >= 2)
            {
                output.WriteLine($"step {s.Step}: hosts {string.Join(", ", await management.GetHosts(onlyActive: true))}; shards {string.Join(", ", (await ShardsPerSilo()).Select(p => $"{p.Key}: {p.Value}"))}");
                joined = await fixture.Cluster.StartAdditionalSiloAsync();
                joinedAt = (await fixture.Client.GetGrain<ITunerGrain>(runId).Status(int.MaxValue)).Step;
                output.WriteLine($"step {joinedAt}: {joined.SiloAddress} joined");
            }
            else if (joined is not null && withJoined is null && s.Step > joinedAt && await Sample() is { } layout
                     && Balanced(layout, silosBefore + 1) && layout.ContainsKey(joined.SiloAddress))
            {
                withJoined = layout;
                output.WriteLine($"step {s.Step}: {string.Join(", ", withJoined.Select(p => $"{p.Key}: {p.Value}"))}");
                await fixture.Cluster.StopSiloAsync(joined);
                leftAt = (await fixture.Client.GetGrain<ITunerGrain>(runId).Status(int.MaxValue)).Step;
                output.WriteLine($"step {leftAt}: {joined.SiloAddress} left");
            }
            else if (withJoined is not null && afterLeaving is null && s.Step > leftAt && await Sample() is { } after
                     && Balanced(after, silosBefore) && !after.ContainsKey(joined!.SiloAddress))
            {
                afterLeaving = after;
                output.WriteLine($"step {s.Step}: {string.Join(", ", afterLeaving.Select(p => $"{p.Key}: {p.Value}"))}");
            }
        });

        // Layouts are sampled at most twice a second while the run goes on; the last one seen names a failure.
        async Task<Dictionary<SiloAddress, int>?> Sample()
        {
            if (DateTime.UtcNow < nextSample) return null;
            nextSample = DateTime.UtcNow.AddMilliseconds(500);
            return lastSeen = await ShardsPerSilo();
        }
        static bool Balanced(Dictionary<SiloAddress, int> layout, int silos) =>
            layout.Count == silos && layout.Values.Sum() == 8 && layout.Values.All(c => c >= 8 / silos && c <= (8 + silos - 1) / silos);
        string Last() => lastSeen is null ? "none" : string.Join(", ", lastSeen.Select(p => $"{p.Key}: {p.Value}"));

        Assert.True(withJoined is not null, $"the run's shards were never balanced over the silo that joined at step {joinedAt}; last layout: {Last()}");
        Assert.True(afterLeaving is not null, $"the run's shards were never balanced again after the silo left at step {leftAt}; last layout: {Last()}");
        // 8 shards over one silo more: every silo holds ⌊8/k⌋ or ⌈8/k⌉ of them, the one that joined among them.
        Assert.Equal(silosBefore + 1, withJoined!.Count);
        Assert.True(withJoined.ContainsKey(joined!.SiloAddress), "the silo that joined holds none of the run's shards");
        Assert.All(withJoined.Values, c => Assert.InRange(c, 8 / (silosBefore + 1), (8 + silosBefore) / (silosBefore + 1)));
        Assert.Equal(silosBefore, afterLeaving.Count);
        Assert.DoesNotContain(joined.SiloAddress, afterLeaving.Keys);
        Assert.Equal(8, afterLeaving.Values.Sum());
        Assert.All(afterLeaving.Values, c => Assert.InRange(c, 8 / silosBefore, (8 + silosBefore - 1) / silosBefore));
        // The shards keep their order in every sum: the run is the steady one to the last digits.
        Problems.AssertRelative(lambda, steady, 1e-12, "final λ of a run a silo joined and left");
        Assert.Equal(steps, snapshot.History.Count);
    }

    [Fact]
    public async Task A_silo_that_joins_mid_run_but_cannot_open_its_shards_is_left_out_and_the_run_completes_undisturbed()
    {
        // Before scale-out, a joining silo that does not see the data files changed nothing for a running run;
        // moving shards to it must not fail the run either.
        var problem = Problems.Spec("softmax", "l2-feature", "synthetic:n=12000,p=40,c=5,seed=14", 8);
        var lambda0 = Problems.Lambda(40, -2.0);
        const int steps = 16;
        var (_, steady) = await ClusterRun($"steady-{Guid.NewGuid():N}", problem, steps, lambda0);

        string runId = $"refused-{Guid.NewGuid():N}";
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        async Task<Dictionary<SiloAddress, int>> ShardsPerSilo() =>
            (await management.GetDetailedGrainStatistics())
            .Where(g => g.GrainId.Key.ToString()!.StartsWith($"{runId}/train/", StringComparison.Ordinal)
                        || g.GrainId.Key.ToString()!.StartsWith($"{runId}/val/", StringComparison.Ordinal))
            .GroupBy(g => g.SiloAddress).ToDictionary(g => g.Key, g => g.Count());
        IReadOnlyList<string> Warned() => fixture.Warnings.Containing(runId).Where(w => w.Contains("cannot open shard", StringComparison.Ordinal)).ToList();

        Orleans.TestingHost.InProcessSiloHandle? joined = null;
        var layoutsAfterWarning = new List<Dictionary<SiloAddress, int>>();
        try
        {
            var (snapshot, lambda) = await ClusterRun(runId, problem, steps, lambda0, async s =>
            {
                if (joined is null && s.Step >= 2)
                {
                    joined = await StartSiloWith(new RefusingShardOpens());
                    output.WriteLine($"step {s.Step}: {joined.SiloAddress} joined, unable to open shards");
                }
                else if (joined is not null && Warned().Count > 0)
                {
                    layoutsAfterWarning.Add(await ShardsPerSilo());
                }
            });
            layoutsAfterWarning.Add(await ShardsPerSilo());

            var warnings = Warned();
            foreach (var w in warnings) output.WriteLine(w);
            output.WriteLine($"{layoutsAfterWarning.Count} layouts seen after the warning");
            Assert.True(warnings.Count == 1, $"one warning for the refusing silo, got {warnings.Count}");
            Assert.Contains(joined!.SiloAddress.ToString(), warnings[0]);
            Assert.Contains("injected by the test", warnings[0]); // the reason the silo gave
            Assert.Contains("shards stay off it for this run", warnings[0]);
            Assert.All(layoutsAfterWarning, layout =>
            {
                Assert.DoesNotContain(joined.SiloAddress, layout.Keys);
                Assert.Equal(16, layout.Values.Sum()); // 8 training and 8 validation shards, none lost
            });
            // Moved back to where they were open, the shards give the steady run's numbers to the last digits.
            Problems.AssertRelative(lambda, steady, 1e-12, "final λ of a run a refusing silo joined");
            Assert.Equal(steps, snapshot.History.Count);
        }
        finally
        {
            // Left in the cluster, it would refuse the shards of the next test's runs.
            if (joined is not null) await fixture.Cluster.StopSiloAsync(joined);
        }
    }

    [Fact]
    public async Task A_shard_that_comes_back_on_a_silo_that_refused_the_run_is_moved_to_one_that_can_open_it()
    {
        // Placement knows nothing of a run's exclusions: a shard re-activated after its silo died can land on a
        // silo that refused the run's shards. The test sends one there itself (a move without its state, as a
        // re-activation is); the run must move it on, not fail.
        var problem = Problems.Spec("softmax", "l2-feature", "synthetic:n=12000,p=40,c=5,seed=16", 8);
        var lambda0 = Problems.Lambda(40, -2.0);
        const int steps = 16;
        var (_, steady) = await ClusterRun($"steady-{Guid.NewGuid():N}", problem, steps, lambda0);

        string runId = $"comeback-{Guid.NewGuid():N}";
        IReadOnlyList<string> Warned(string words) =>
            fixture.Warnings.Containing(runId).Where(w => w.Contains(words, StringComparison.Ordinal)).ToList();
        Orleans.TestingHost.InProcessSiloHandle? joined = null;
        bool sent = false;
        try
        {
            var (snapshot, lambda) = await ClusterRun(runId, problem, steps, lambda0, async s =>
            {
                if (joined is null && s.Step >= 2)
                {
                    joined = await StartSiloWith(new RefusingShardOpens());
                }
                else if (joined is not null && !sent && Warned("cannot open shard").Count > 0)
                {
                    sent = true;
                    // Orleans skips a migration to a silo the shard's silo does not know yet: send it until it is there.
                    var shard = fixture.Client.GetGrain<IDataShardGrain>($"{runId}/train/0");
                    for (int i = 0; i < 50 && Warned("came back on a silo").Count == 0 && !(await shard.Host()).Equals(joined.SiloAddress); i++)
                    {
                        await shard.Leave(joined.SiloAddress);
                        await Task.Delay(200);
                    }
                    output.WriteLine($"step {s.Step}: train/0 sent to {joined.SiloAddress}, which refused the run");
                }
            });

            Assert.True(sent, "the run ended before a shard could be sent to the refusing silo");
            var cameBack = Warned("came back on a silo that cannot open it");
            foreach (var w in cameBack) output.WriteLine(w);
            Assert.Contains(cameBack, w => w.Contains($"{runId}/train/0", StringComparison.Ordinal));
            var shardsThere = (await fixture.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
                .Count(g => g.SiloAddress.Equals(joined!.SiloAddress) && g.GrainId.Key.ToString()!.StartsWith($"{runId}/", StringComparison.Ordinal));
            Assert.Equal(0, shardsThere);
            Problems.AssertRelative(lambda, steady, 1e-12, "final λ of a run whose shard came back on a refusing silo");
            Assert.Equal(steps, snapshot.History.Count);
        }
        finally
        {
            if (joined is not null) await fixture.Cluster.StopSiloAsync(joined);
        }
    }

    [Fact]
    public async Task A_move_whose_open_times_out_once_is_retried_within_the_step()
    {
        var problem = Problems.Spec("softmax", "l2-feature", "synthetic:n=12000,p=40,c=5,seed=15", 8);
        var lambda0 = Problems.Lambda(40, -2.0);
        const int steps = 16;
        var (_, steady) = await ClusterRun($"steady-{Guid.NewGuid():N}", problem, steps, lambda0);

        string runId = $"timeout-{Guid.NewGuid():N}";
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        int silosBefore = (await management.GetHosts(onlyActive: true)).Count;
        Orleans.TestingHost.InProcessSiloHandle? joined = null;
        Dictionary<SiloAddress, int>? withJoined = null;
        try
        {
            var (snapshot, lambda) = await ClusterRun(runId, problem, steps, lambda0, async s =>
            {
                if (joined is null && s.Step >= 2)
                {
                    joined = await StartSiloWith(new TimingOutFirstShardOpens());
                    output.WriteLine($"step {s.Step}: {joined.SiloAddress} joined, its first open of each shard times out");
                }
                else if (joined is not null && withJoined is null)
                {
                    var layout = (await management.GetDetailedGrainStatistics())
                        .Where(g => g.GrainId.Key.ToString()!.StartsWith($"{runId}/train/", StringComparison.Ordinal))
                        .GroupBy(g => g.SiloAddress).ToDictionary(g => g.Key, g => g.Count());
                    if (layout.Count == silosBefore + 1) withJoined = layout;
                }
            });

            Assert.True(withJoined is not null, "the silo that joined never took its share of the shards");
            Assert.Contains(joined!.SiloAddress, withJoined.Keys);
            // The move was retried where it failed: the step went on, not thrown away and taken again.
            var stepFailures = fixture.Warnings.Containing($"Run {runId} step ");
            Assert.True(stepFailures.Count == 0, $"steps failed: {string.Join("; ", stepFailures)}");
            Assert.Empty(fixture.Warnings.Containing($"Run {runId}: silo"));
            Problems.AssertRelative(lambda, steady, 1e-12, "final λ of a run whose moves timed out once");
            Assert.Equal(steps, snapshot.History.Count);
        }
        finally
        {
            if (joined is not null) await fixture.Cluster.StopSiloAsync(joined);
        }
    }

    /// <summary>Starts a silo on which opening a shard goes wrong as <paramref name="fault"/> says.</summary>
    private async Task<Orleans.TestingHost.InProcessSiloHandle> StartSiloWith(Grains.Testing.IShardOpenFault fault)
    {
        fixture.NewSilosOpenFault = fault;
        try
        {
            return await fixture.Cluster.StartAdditionalSiloAsync();
        }
        finally
        {
            fixture.NewSilosOpenFault = null;
        }
    }

    [Fact]
    public async Task A_prepare_and_a_start_sent_again_after_another_activation_wrote_the_run_are_taken()
    {
        // A client whose gateway died sends Prepare and Start again; the run's directory entry may have died with
        // that silo, so the call can reach a second activation after the first one wrote the record. Here the
        // record's version changes under the activation, as that other writer's write changes it.
        var problem = Problems.Spec("logistic", "l2-feature", "synthetic:n=600,p=10,seed=11", 3);
        var lambda0 = Problems.Lambda(10, -1.0);
        const int steps = 4;
        var (_, expected) = await LocalRun(problem, steps, lambda0);
        string runId = $"rewritten-{Guid.NewGuid():N}";
        var tuner = fixture.Client.GetGrain<ITunerGrain>(runId);
        string record = FileGrainStorage.FileOf(fixture.StorageFolder, "tuner", GrainId.Create("tuner", runId));
        void AnotherWriter() => File.SetLastWriteTimeUtc(record, File.GetLastWriteTimeUtc(record).AddSeconds(1));

        await tuner.Prepare(Run(problem, steps));
        AnotherWriter();
        var info = await tuner.Prepare(Run(problem, steps));
        Assert.Equal(10, info.HyperCount);
        AnotherWriter();
        await tuner.Start(await VectorTransfer.Send(tuner, lambda0));
        var snapshot = await RunClient.Follow(fixture.Client, runId);

        Assert.True(snapshot.Status == RunStatus.Completed, $"{snapshot.Status}: {snapshot.Reason}");
        Problems.AssertRelative(await RunClient.Lambda(fixture.Client, runId), expected, 1e-10, "final λ");
    }

    [Fact]
    public async Task A_cancelled_run_of_example_weights_brings_lambda_home_and_clears_the_shards_records()
    {
        const int n = 3000;
        var problem = Problems.Spec("logistic", "example-weights", $"synthetic:n={n},p=8,seed=13", 3);
        string runId = $"held-cancel-{Guid.NewGuid():N}";
        int Records() => Directory.GetFiles(fixture.StorageFolder, "lambda-*.bin").Length;
        int before = Records();
        await RunClient.Start(fixture.Client, runId, Run(problem, 200), _ => Problems.Lambda(n, 0.1));
        var tuner = fixture.Client.GetGrain<ITunerGrain>(runId);
        while ((await tuner.Status(int.MaxValue)).Step < 2) await Task.Delay(20);
        Assert.Equal(before + 3, Records()); // one record per training shard while the run holds λ there

        await tuner.Cancel("cancelled by the test");

        Assert.Equal(RunStatus.Cancelled, (await tuner.Status(0)).Status);
        Assert.Equal(before, Records());
        var lambda = await RunClient.Lambda(fixture.Client, runId); // from the tuner alone now
        Assert.Equal(n, lambda.Length);
        Assert.Contains(lambda, l => l != 0.1); // the steps moved it
    }

    [Fact]
    public async Task A_cancel_during_a_step_is_final_and_says_why()
    {
        var problem = Problems.Spec("softmax", "l2-feature", "synthetic:n=20000,p=40,c=4,seed=8", 2);
        string runId = $"cancel-{Guid.NewGuid():N}";
        await RunClient.Start(fixture.Client, runId, Run(problem, 200), _ => Problems.Lambda(40, -2.0));
        var tuner = fixture.Client.GetGrain<ITunerGrain>(runId);
        while ((await tuner.Status(int.MaxValue)).Step < 1) await Task.Delay(20);
        await Task.Delay(150); // inside the next step's computation

        await tuner.Cancel("cancelled by the test");
        var cancelled = await tuner.Status(0);
        await Task.Delay(3000); // longer than a step: one still in flight would have been saved by now
        var later = await tuner.Status(0);

        Assert.Equal(RunStatus.Cancelled, later.Status);
        Assert.Equal(cancelled.Step, later.Step);
        Assert.Equal(later.Step, later.History.Count);
        Assert.Equal($"cancelled by the test after step {later.Step} of 200", later.Reason);
    }

    private static async Task<T> RetryWhileClusterHeals<T>(Func<Task<T>> call)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (e is not ProblemInputException && attempt < 60)
            {
                await Task.Delay(500);
            }
        }
    }
}
