// Little's law for a synchronous service: requests in flight = arrival rate x time each one is held.
// Pure arithmetic, so the chapter's numbers (245, 15,000) are computed and tested exactly.

/** How many requests must be in flight at once to keep up with `arrivalPerS` when each takes `latencyMs`. */
export function requiredConcurrency(arrivalPerS: number, latencyMs: number): number {
  return (arrivalPerS * latencyMs) / 1000;
}

/** The most orders per second `concurrency` request handlers can finish when each order takes `latencyMs`. */
export function maxThroughputPerS(concurrency: number, latencyMs: number): number {
  return (concurrency * 1000) / latencyMs;
}

/** Orders left waiting after `seconds` when they arrive faster than they are served. */
export function backlogAfter(arrivalPerS: number, throughputPerS: number, seconds: number): number {
  return Math.max(0, (arrivalPerS - throughputPerS) * seconds);
}
