// Undo what a test started even when one of its assertions fails first: a crashy child left
// running, a worker still looping, a client still connected. Register each as it is created;
// after each test, passed or failed, the steps run newest first (each is safe to repeat).
import { afterEach } from 'vitest';

export function cleanupAfterEach(): (step: () => unknown) => void {
  const steps: (() => unknown)[] = [];
  afterEach(async () => {
    let firstError: unknown;
    for (const step of steps.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        firstError ??= err;
      }
    }
    if (firstError) throw firstError;
  });
  return (step) => {
    steps.push(step);
  };
}
