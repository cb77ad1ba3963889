// Entry point of the `dissect` command line; each verb lives in Commands/.
using Dissection.Core;
using static TorchSharp.torch;

var t = ones(2, 3);
Console.WriteLine($"torch ok: {t.sum().item<float>()}");
