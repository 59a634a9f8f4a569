using HyperIft.Numerics.Optimization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace HyperIft.Grains.Tests;

/// <summary>
/// Settings cross silo boundaries through hand-written surrogates: a field a surrogate forgets would arrive
/// as its default on another silo and silently change the solve there. Every field is set away from its default.
/// </summary>
[Collection(ClusterCollection.Name)]
public class MessageSerializationTests(ClusterFixture fixture)
{
    [Fact]
    public void Solver_settings_arrive_with_every_field()
    {
        var settings = new SolverSettings(Solver: "neumann", InnerTolerance: 3e-5, SolverTolerance: 7e-6, MaxCgIterations: 123,
            Jacobi: true, NeumannTerms: 45, NeumannAlpha: 0.25, MaxNewtonIterations: 17, Damping: 1e-3, Kronecker: true,
            ScheduledStep: true);
        Assert.All(typeof(SolverSettings).GetProperties(), p =>
            Assert.False(Equals(p.GetValue(settings), p.GetValue(new SolverSettings())), $"{p.Name} is at its default: set it above"));
        var serializer = fixture.Client.ServiceProvider.GetRequiredService<Serializer>();
        Assert.Equal(settings, serializer.Deserialize<SolverSettings>(serializer.SerializeToArray(settings)));
    }
}
