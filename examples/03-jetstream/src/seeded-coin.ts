// Why this file exists: FAIL_RATE=0.5 must show fail -> nak -> retry -> success, and a test must
// be able to predict exactly which attempt of which order fails. A coin keyed by (seed, order,
// attempt) gives the same answer whatever order the deliveries arrive in, unlike a shared PRNG
// stream whose draws would depend on timing. One coin per service: only the worker that calls
// that service may aim it (a points worker aiming the email coin would change the email's toss).
import type { Fault } from '@mq/shared';
import { hashUnit } from '@mq/shared';

export class SeededCoin {
  private key = '';

  constructor(readonly seed: number) {}

  /** A number in [0, 1) fixed by (seed, orderId, attempt). */
  unit(orderId: string, attempt: number): number {
    return hashUnit(`${orderId}#${attempt}`, this.seed);
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
