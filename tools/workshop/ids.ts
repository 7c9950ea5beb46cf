// Finding an exercise by the id the learner typed, and the answer when it does not exist: the list
// of ids, so a typo costs one glance.
import { discoverExercises, type ExerciseFolder } from './discover';
import { UsageMistake } from './io';

export function findExercise(root: string, id: string | undefined, command: string): ExerciseFolder {
  const all = discoverExercises(root);
  const list = all.length ? all.map((e) => `  ${e.id}`).join('\n') : '  (none yet: no examples/*/exercises/*/check.ts)';
  if (!id) throw new UsageMistake(`Which exercise? pnpm ${command} <id>, one of:\n${list}`);
  const found = all.find((e) => e.id === id);
  if (!found) throw new UsageMistake(`There is no exercise "${id}". The exercises are:\n${list}`);
  return found;
}
