// The chapter's arithmetic: 5,000 orders/s arrive, one worker sends 500 emails/s. What piles
// up, and how many workers sharing one queue it takes to keep up.
export const SALE = { inPerSecond: 5_000, perWorkerPerSecond: 500 } as const;

export interface Backlog {
  workers: number;
  capacityPerSecond: number;
  growthPerSecond: number;
  afterOneHour: number;
}

export function backlog(workers: number, rates: { inPerSecond: number; perWorkerPerSecond: number } = SALE): Backlog {
  const capacityPerSecond = workers * rates.perWorkerPerSecond;
  const growthPerSecond = Math.max(0, rates.inPerSecond - capacityPerSecond);
  return { workers, capacityPerSecond, growthPerSecond, afterOneHour: growthPerSecond * 3_600 };
}

/** The smallest number of workers whose combined rate keeps up. */
export function workersNeeded(rates: { inPerSecond: number; perWorkerPerSecond: number } = SALE): number {
  return Math.ceil(rates.inPerSecond / rates.perWorkerPerSecond);
}

/** Seconds for `workers` to work off an existing backlog while orders keep arriving (Infinity without headroom). */
export function drainSeconds(backlogMessages: number, workers: number, rates: typeof SALE = SALE): number {
  const surplus = workers * rates.perWorkerPerSecond - rates.inPerSecond;
  return surplus > 0 ? backlogMessages / surplus : Number.POSITIVE_INFINITY;
}
