// Why this file exists: FAIL_RATE=0.5 must show fail -> nak -> retry -> success, and a test must
// be able to predict exactly which attempt of which order fails. A coin keyed by (seed, order,
// attempt) gives the same answer whatever order the deliveries arrive in, unlike a shared PRNG
// stream whose draws would depend on timing. One coin per service: only the worker that calls
// that service may aim it (a points worker aiming the email coin would change the email's toss).
import type { Fault } from '@mq/shared';

export class SeededCoin {
  private key = '';

  constructor(readonly seed: number) {}

  /** A number in [0, 1) fixed by (seed, orderId, attempt). */
  unit(orderId: string, attempt: number): number {
    // FNV-1a over the key, then a murmur3-style finaliser to spread the bits.
    let h = 0x811c9dc5 ^ this.seed;
    for (const ch of `${orderId}#${attempt}`) {
      h ^= ch.charCodeAt(0);
      h = Math.imul(h, 0x01000193);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return (h >>> 0) / 2 ** 32;
  }

  /** Point the coin at the attempt about to call the service (the worker does this). */
  aim(orderId: string, attempt: number): void {
    this.key = `${orderId}\u0000${attempt}`;
  }

  /** A flaky fault for a FakeService whose coin tosses are decided by the aimed attempt. */
  fault(rate: number): Fault {
    return {
      kind: 'flaky',
      rate,
      random: () => {
        const [orderId, attempt] = this.key.split('\u0000');
        return this.unit(orderId, Number(attempt));
      },
    };
  }

  /** The first attempt (1-based) that succeeds at this fail rate, or undefined if none of `maxAttempts` does. */
  firstSuccess(orderId: string, rate: number, maxAttempts: number): number | undefined {
    for (let a = 1; a <= maxAttempts; a++) if (this.unit(orderId, a) >= rate) return a;
    return undefined;
  }
}
