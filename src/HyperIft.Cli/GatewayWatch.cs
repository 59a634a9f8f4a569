namespace HyperIft.Cli;

/// <summary>
/// Tells the console's long calls that a gateway connection closed. The Orleans client does not fail a call
/// whose gateway died (a silo fails its calls to a dead silo; a client waits out the response timeout), so
/// each call takes the token of the current period and is abandoned, to be sent again, when it fires
/// (<see cref="Abstractions.TransientFailures.Resend"/>). Every loss starts a new period.
/// </summary>
public sealed class GatewayWatch : IClusterConnectionStatusObserver
{
    private CancellationTokenSource _period = new();

    /// <summary>Fires when a gateway connection closes after it was taken.</summary>
    public CancellationToken Lost => Volatile.Read(ref _period).Token;

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways < previousNumberOfGateways) NewPeriod();
    }

    public void NotifyClusterConnectionLost() => NewPeriod();

    private void NewPeriod()
    {
        // Not disposed: a caller may be linking to the period's token right now.
        Interlocked.Exchange(ref _period, new CancellationTokenSource()).Cancel();
    }
}
