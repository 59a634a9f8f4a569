using HyperIft.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await Cli.Run(args, Console.Out, Console.Error, cancel.Token);
