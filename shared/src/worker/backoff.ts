// Exponential backoff for fetch errors (seed 002): 1 s, 2 s, 4 s ... capped at 30 s,
// reset after the next successful fetch, so a broken connection never becomes a tight loop.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 30_000 };

/** Delay before retry number `attempt` (1-based). */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  return Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, attempt - 1));
}
