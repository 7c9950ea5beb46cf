// The day-1 CreateOrder: five downstream calls made one after another inside the user's request.
// It follows the story's original function step for step, including its error handling, because
// that handling is what the chapter is about. Lines marked "seed:" keep a known flaw on purpose.
import type { Shop } from '@mq/shared';
import type { Order } from '@mq/shared';

export interface SyncOrderResult {
  orderId: string;
  /** What the request returned. Like the seed, only an insert or inventory error fails the order. */
  outcome: 'created' | 'failed';
  /** The error handed back to the user when `outcome` is 'failed'. */
  error?: string;
  /** Errors written to the log and then forgotten (email, points): nobody will retry them. */
  logged: string[];
  /** Errors dropped without even a log line (push, and the rollback's own result). */
  ignored: string[];
  /** performance.now() when the request started and answered; latency = what the user waited. */
  startedMs: number;
  endedMs: number;
  latencyMs: number;
}

/** The operation names each fake service records, so a call log reads like the seed's code. */
export const OPS = {
  insert: 'insert',
  rollback: 'rollback',
  deduct: 'deduct',
  email: 'sendConfirmation',
  points: 'add',
  push: 'send',
} as const;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Create an order synchronously. The caller (the user's HTTP request) waits for the sum of all
 * five calls, and for every timeout any of them runs into.
 */
export async function createOrderSync(shop: Shop, order: Order): Promise<SyncOrderResult> {
  const startedMs = performance.now();
  const logged: string[] = [];
  const ignored: string[] = [];
  const answer = (outcome: SyncOrderResult['outcome'], error?: string): SyncOrderResult => {
    const endedMs = performance.now();
    return { orderId: order.id, outcome, ...(error ? { error } : {}), logged, ignored, startedMs, endedMs, latencyMs: endedMs - startedMs };
  };

  // #region look-call-chain
  // 1. Write the order row. It is committed here, on its own: there is no surrounding transaction.
  try {
    await shop.ordersDb.call(OPS.insert, order.id);
  } catch (err) {
    return answer('failed', message(err));
  }
  // 2. Deduct stock. On failure the seed "rolls back" the committed insert: really a second write
  //    (a delete) that can fail in its turn. seed: its result is never checked (orphan order row).
  try {
    await shop.inventory.call(OPS.deduct, order.id);
  } catch (err) {
    try {
      await shop.ordersDb.call(OPS.rollback, order.id);
    } catch (rollbackErr) {
      ignored.push(message(rollbackErr));
    }
    return answer('failed', message(err));
  }
  // 3. Email over SMTP. seed: a failure is only logged; the user still waits for the SMTP timeout.
  try {
    await shop.email.call(OPS.email, order.id);
  } catch (err) {
    logged.push(`email failed, but the order was created: ${message(err)}`);
  }
  // 4. Loyalty points. seed: logged and forgotten; nothing remembers the points are still owed.
  try {
    await shop.points.call(OPS.points, order.id);
  } catch (err) {
    logged.push(`adding points failed: ${message(err)}`);
  }
  // 5. Push notification. seed: the error is not even looked at.
  try {
    await shop.push.call(OPS.push, order.id);
  } catch (err) {
    ignored.push(message(err));
  }
  return answer('created');
  // #endregion look-call-chain
}
