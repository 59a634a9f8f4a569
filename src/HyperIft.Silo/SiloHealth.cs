using Orleans.Runtime;

namespace HyperIft.Silo;

/// <summary>/health: this silo's status and the silos it sees as active (503 unless this one is active).</summary>
public static class SiloHealth
{
    public static IResult Report(ILocalSiloDetails local, IClusterMembershipService membership)
    {
        var snapshot = membership.CurrentSnapshot;
        var self = snapshot.GetSiloStatus(local.SiloAddress);
        var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToString()).ToArray();
        var body = new
        {
            status = self == SiloStatus.Active ? "healthy" : "unhealthy",
            silo = local.SiloAddress.ToString(),
            siloStatus = self.ToString(),
            activeSilos = active,
        };
        return self == SiloStatus.Active ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
