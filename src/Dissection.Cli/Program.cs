// Entry point of the `dissect` command line: Ctrl+C cancels the running verb (which records its job as cancelled and
// exits with 130); everything else is DissectCli's.
using Dissection.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); Console.Error.WriteLine("\ncancelling..."); };
return DissectCli.Run(args, cancel: cancel.Token);
