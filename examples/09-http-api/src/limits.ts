// Limits on what one request may hold or cost, beyond the body size. A JSON body of 30 KB can nest
// 5,000 levels deep; the recursive JSON.stringify in the publish then overflows the stack, and the
// service used to report that as "503 NATS did not answer" (issue 13). The depth is checked here,
// without recursion, before anything is encoded or sent: too deep is the caller's 400.
// The HTTP timeouts bound how long a slow or silent client may hold a connection.

/** Deepest `data` accepted: objects and arrays nested this many levels (data itself is level 1). */
export const MAX_DATA_DEPTH = 32;

/** Is `value` nested deeper than `max` levels? Walks the value with an explicit stack (no recursion to overflow). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

export interface HttpTimeouts {
  /** Whole request (headers and body) must arrive within this, else 408 and the connection closes. */
  requestMs: number;
  /** Headers must arrive within this. */
  headersMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
  /** A socket with no traffic at all is destroyed after this. */
  idleMs: number;
  /** How often node checks the request and headers timeouts (its default, 30 s, would let a slow client stay 30 s longer). */
  checkEveryMs: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = {
  requestMs: 10_000,
  headersMs: 5_000,
  keepAliveMs: 5_000, // node 20 adds 1 s of its own
  idleMs: 15_000,
  checkEveryMs: 1_000,
};
