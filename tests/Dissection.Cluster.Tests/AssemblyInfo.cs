// One cluster at a time: the machine has 2 cores, and the silo-loss tests time a kill against the job's progress.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
