using HyperIft.Cli;

using var interruption = Interruption.Install();
return await interruption.Run(ct => Cli.Run(args, Console.Out, Console.Error, ct));
