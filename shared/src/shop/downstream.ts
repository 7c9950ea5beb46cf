// Fake downstream services (the orders database, inventory, email, points, push) with the
// story's latencies and injectable faults: down, slow, timeout, failing, flaky. Every call is
// recorded, so a test can say exactly which services were called and in what state things ended.
import { delay } from '../wait';

/** The story's latencies, in milliseconds: 50 + 100 + 200 + 80 + 60 = 490. */
export const STORY_LATENCY_MS = {
  ordersDb: 50,
  inventory: 100,
  email: 200,
  points: 80,
  push: 60,
} as const;

export type ServiceName = keyof typeof STORY_LATENCY_MS;
export const SERVICE_NAMES = Object.keys(STORY_LATENCY_MS) as ServiceName[];

export type Fault =
  | { kind: 'none' }
  /** Unreachable: fails after `afterMs` (a connect timeout) without doing anything. */
  | { kind: 'down'; afterMs?: number }
  /** Answers, but only after `latencyMs`. */
  | { kind: 'slow'; latencyMs: number }
  /** Never answers; the caller's timeout of `afterMs` fires. */
  | { kind: 'timeout'; afterMs: number }
  /** Does its normal latency, then returns an error; nothing was applied. */
  | { kind: 'fail'; message?: string }
  /** Fails with probability `rate` (random in [0,1) from `random`). */
  | { kind: 'flaky'; rate: number; random?: () => number };

export interface CallRecord {
  service: ServiceName;
  op: string;
  key: string;
  startedMs: number;
  endedMs: number;
  outcome: 'ok' | 'error';
  error?: string;
}

export class ServiceError extends Error {
  constructor(readonly service: ServiceName, message: string) {
    super(`${service}: ${message}`);
    this.name = 'ServiceError';
  }
}

export class FakeService {
  readonly calls: CallRecord[] = [];
  /** Keys whose effect was applied (an order stored, stock deducted, an email sent, ...). */
  readonly applied: string[] = [];
  fault: Fault = { kind: 'none' };

  constructor(
    readonly name: ServiceName,
    public latencyMs: number = STORY_LATENCY_MS[name],
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Perform `op` for `key`, honouring latency and the injected fault. */
  async call(op: string, key: string): Promise<void> {
    const startedMs = this.clock();
    const record = (outcome: 'ok' | 'error', error?: string) =>
      this.calls.push({ service: this.name, op, key, startedMs, endedMs: this.clock(), outcome, ...(error ? { error } : {}) });
    const f = this.fault;
    try {
      switch (f.kind) {
        case 'down':
          await delay(f.afterMs ?? 0);
          throw new ServiceError(this.name, 'connection refused (service is down)');
        case 'timeout':
          await delay(f.afterMs);
          throw new ServiceError(this.name, `no answer within ${f.afterMs} ms (timeout)`);
        case 'slow':
          await delay(f.latencyMs);
          break;
        case 'fail':
          await delay(this.latencyMs);
          throw new ServiceError(this.name, f.message ?? 'internal error');
        case 'flaky':
          await delay(this.latencyMs);
          if ((f.random ?? Math.random)() < f.rate) throw new ServiceError(this.name, 'transient failure');
          break;
        default:
          await delay(this.latencyMs);
      }
    } catch (err) {
      record('error', (err as Error).message);
      throw err;
    }
    this.applied.push(key);
    record('ok');
  }

  reset(): void {
    this.calls.length = 0;
    this.applied.length = 0;
    this.fault = { kind: 'none' };
  }
}

export type Shop = Record<ServiceName, FakeService>;

/** All five services with the story's latencies (or `latency` overrides, e.g. scaled down for a throughput test). */
export function createShop(latency: Partial<Record<ServiceName, number>> = {}): Shop {
  const shop = {} as Shop;
  for (const name of SERVICE_NAMES) shop[name] = new FakeService(name, latency[name] ?? STORY_LATENCY_MS[name]);
  return shop;
}

/** Every call across the shop, in the order they started. */
export function callLog(shop: Shop): CallRecord[] {
  return SERVICE_NAMES.flatMap((n) => shop[n].calls).sort((a, b) => a.startedMs - b.startedMs);
}
