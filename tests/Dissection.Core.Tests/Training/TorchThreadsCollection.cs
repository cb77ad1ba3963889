// Trainers set torch's thread count, which is global to the process. A test that compares two forward passes bit for
// bit fails when another test changes the thread count between them (the reductions then add in another order). So
// the training tests run in this collection, which xunit runs alone, after the parallel ones.
namespace Dissection.Core.Tests.Training;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchThreadsCollection
{
    public const string Name = "sets torch threads";
}
