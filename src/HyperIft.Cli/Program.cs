using HyperIft.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C asks the command to stop cleanly; a second one ends the process.
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
};
return await Cli.Run(args, Console.Out, Console.Error, cancel.Token);
