// An attack experiment as kept in the results store: its row id, run and time, with the measured result.
using Dissection.Core.Attacks;

namespace Dissection.Core.Storage;

public sealed record StoredAttackExperiment(long Id, long RunId, DateTime CreatedUtc, AttackExperimentResult Result);
