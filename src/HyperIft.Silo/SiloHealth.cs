using Orleans.Runtime;

namespace HyperIft.Silo;

/// <summary>
/// /health: this silo's status, the silos it sees as active, and whether the membership table and
/// grain storage answer; 503 "unhealthy" with the reasons unless this silo is Active and both do.
/// </summary>
public static class SiloHealth
{
    public static async Task<IResult> Report(ILocalSiloDetails local, IClusterMembershipService membership, SiloProbe probe)
    {
        var snapshot = membership.CurrentSnapshot;
        var self = snapshot.GetSiloStatus(local.SiloAddress);
        var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToString()).ToArray();
        var problems = (await probe.Problems()).ToList();
        if (self != SiloStatus.Active) problems.Insert(0, $"this silo is {self}, not Active");
        var body = new
        {
            status = problems.Count == 0 ? "healthy" : "unhealthy",
            silo = local.SiloAddress.ToString(),
            siloStatus = self.ToString(),
            activeSilos = active,
            problems,
        };
        return problems.Count == 0 ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
