// A measured load run: orders arrive at a fixed rate, a bounded pool of request handlers serves
// them with the synchronous flow, and whatever the pool cannot start waits in a backlog.
// Time is compressed by `timeScale` so ten story seconds take one real second; every number in
// the result is converted back to story time.
import { createShop, type Shop } from '@mq/shared';
import { makeOrder } from '@mq/shared';
import { delay } from '@mq/shared';
import { createOrderSync } from './create-order';
import { scaledLatencies } from './scenarios';

export interface LoadOptions {
  /** Orders per second arriving (story time). The story's flash sale: 500. */
  arrivalPerS: number;
  /** Request handlers working in parallel (a thread or connection pool). */
  handlers: number;
  /** How long to let orders arrive, in story milliseconds. */
  durationMs: number;
  /** Story milliseconds per real millisecond (10: a 490 ms order runs in 49 ms). */
  timeScale: number;
  /** If set, the SMTP server hangs and the client gives up after this many story ms. */
  smtpTimeoutMs?: number;
  /** Backlog samples every this many story ms (default durationMs / 5). */
  sampleEveryMs?: number;
}

export interface LoadSample {
  atMs: number;
  arrived: number;
  completed: number;
  inFlight: number;
  backlog: number;
}

export interface LoadResult {
  /** Orders that arrived during the run. */
  arrived: number;
  /** Orders a handler picked up before the run ended. */
  started: number;
  /** Orders answered before the run ended. */
  completed: number;
  /** Arrived but never picked up: users still waiting in line. */
  backlog: number;
  /**
   * Orders per story second: completed / time of the last completion. (Dividing by the whole run
   * would undercount: orders still in flight at the end have done most of their work.)
   */
  achievedPerS: number;
  /** Mean time a handler spent on one of the completed orders (story ms). */
  meanLatencyMs: number;
  /** How long the last order to be picked up had waited in line first (story ms). */
  lastWaitMs: number;
  samples: LoadSample[];
  shop: Shop;
}

interface Served {
  arrivalMs: number;
  startMs: number;
  endMs: number;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const { arrivalPerS, handlers, durationMs, timeScale } = opts;
  const shop = createShop(scaledLatencies(1 / timeScale));
  if (opts.smtpTimeoutMs !== undefined) shop.email.fault = { kind: 'timeout', afterMs: opts.smtpTimeoutMs / timeScale };
  const arrivalOf = (i: number) => (i * 1000) / arrivalPerS; // story ms
  const arrivedBefore = (t: number) => Math.ceil((t * arrivalPerS) / 1000); // orders with arrival < t
  const served: Served[] = [];
  const t0 = performance.now();
  const now = () => (performance.now() - t0) * timeScale; // story ms since the start
  let next = 0;

  const handler = async () => {
    for (;;) {
      const i = next++;
      const arrivalMs = arrivalOf(i);
      if (arrivalMs >= durationMs) return;
      // Nothing to do yet: idle until the order arrives (only when arrivals are slower than the pool).
      // (A loop, because a timer can fire a fraction of a millisecond early; whole milliseconds,
      // because timers round fractions anyway, and a fake clock rounds 0.2 ms down to nothing.)
      while (now() < arrivalMs) await delay(Math.ceil((arrivalMs - now()) / timeScale));
      const startMs = now();
      if (startMs >= durationMs) return;
      await createOrderSync(shop, makeOrder(i + 1));
      served.push({ arrivalMs, startMs, endMs: now() });
    }
  };
  await Promise.all(Array.from({ length: handlers }, handler));

  const started = served.length;
  const done = served.filter((s) => s.endMs <= durationMs);
  const lastStarted = served.reduce<Served | undefined>((a, s) => (!a || s.startMs > a.startMs ? s : a), undefined);
  const arrived = arrivedBefore(durationMs);
  const every = opts.sampleEveryMs ?? durationMs / 5;
  const samples: LoadSample[] = [];
  for (let k = 1; k * every <= durationMs + 1e-9; k++) {
    const t = k * every;
    const a = arrivedBefore(t);
    const s = served.filter((x) => x.startMs < t).length;
    const c = served.filter((x) => x.endMs <= t).length;
    samples.push({ atMs: t, arrived: a, completed: c, inFlight: s - c, backlog: a - s });
  }
  return {
    arrived,
    started,
    completed: done.length,
    backlog: arrived - started,
    achievedPerS: done.length ? done.length / (Math.max(...done.map((s) => s.endMs)) / 1000) : 0,
    meanLatencyMs: done.length ? done.reduce((sum, s) => sum + (s.endMs - s.startMs), 0) / done.length : NaN,
    lastWaitMs: lastStarted ? lastStarted.startMs - lastStarted.arrivalMs : 0,
    samples,
    shop,
  };
}

