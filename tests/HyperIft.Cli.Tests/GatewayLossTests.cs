using HyperIft.Abstractions;
using HyperIft.Cli;

namespace HyperIft.Cli.Tests;

/// <summary>
/// A call whose gateway dies is never answered by the Orleans client (it waits out its response timeout), so the
/// console abandons it when a gateway connection closes and sends it again (TransientFailures.Resend).
/// </summary>
public class GatewayLossTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_call_lost_with_its_gateway_is_sent_again_and_the_answer_of_the_new_one_is_taken()
    {
        var watch = new GatewayWatch();
        var unanswered = new TaskCompletionSource<int>();
        int sent = 0;
        var call = TransientFailures.Resend(() => ++sent == 1 ? unanswered.Task : Task.FromResult(42), () => watch.Lost, Patience);
        await Task.Delay(50);
        Assert.False(call.IsCompleted);
        watch.NotifyGatewayCountChanged(1, 2, connectionRecovered: false); // one of two gateways closed

        Assert.Equal(42, await call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, sent);
    }

    [Fact]
    public async Task Retry_given_the_gateway_watch_sends_an_attempt_lost_with_its_gateway_again()
    {
        // The runs commands and hypergrad's Configure: Retry rides out a dying silo, and with the watch also a dead gateway.
        var watch = new GatewayWatch();
        var unanswered = new TaskCompletionSource<int>();
        int sent = 0;
        var call = TransientFailures.Retry(() => ++sent == 1 ? unanswered.Task : Task.FromResult(42), Patience, gatewayLost: () => watch.Lost);
        await Task.Delay(50);
        Assert.False(call.IsCompleted);
        watch.NotifyClusterConnectionLost();

        Assert.Equal(42, await call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, sent);
    }

    [Fact]
    public async Task A_gateway_that_joins_abandons_nothing()
    {
        var watch = new GatewayWatch();
        var lost = watch.Lost;
        watch.NotifyGatewayCountChanged(2, 1, connectionRecovered: true);
        Assert.False(lost.IsCancellationRequested);
        watch.NotifyClusterConnectionLost();
        Assert.True(lost.IsCancellationRequested);
        Assert.False(watch.Lost.IsCancellationRequested); // a new period for the calls sent from now on
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Transient_failures_are_retried_only_once_a_gateway_was_lost()
    {
        // Before any loss a transient failure is the caller's to judge (as without a watch) ...
        var watch = new GatewayWatch();
        await Assert.ThrowsAsync<TimeoutException>(() =>
            TransientFailures.Resend<int>(() => throw new TimeoutException("injected"), () => watch.Lost, Patience));

        // ... after one, the call's grain may have been on the dead silo: sent again until it answers.
        var unanswered = new TaskCompletionSource<int>();
        int sent = 0;
        var call = TransientFailures.Resend(() => ++sent switch
        {
            1 => unanswered.Task,
            2 => throw new TimeoutException("the grain's silo is dead"),
            _ => Task.FromResult(7),
        }, () => watch.Lost, Patience);
        await Task.Delay(50);
        watch.NotifyGatewayCountChanged(0, 1, connectionRecovered: false);
        Assert.Equal(7, await call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, sent);
    }

    [Fact]
    public async Task A_failure_that_is_not_transient_and_a_call_without_gateways_go_to_the_caller()
    {
        var watch = new GatewayWatch();
        var unanswered = new TaskCompletionSource<int>();
        int sent = 0;
        var call = TransientFailures.Resend(() => ++sent == 1 ? unanswered.Task : throw new ProblemInputException("bad spec"), () => watch.Lost, Patience);
        await Task.Delay(50);
        watch.NotifyClusterConnectionLost();
        Assert.Equal("bad spec", (await Assert.ThrowsAsync<ProblemInputException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)))).Message);

        // Embedded (no gateways): one call, as is.
        int embedded = 0;
        Assert.Equal(5, await TransientFailures.Resend(() => Task.FromResult(++embedded + 4), null, Patience));
        Assert.Equal(1, embedded);
    }
}
