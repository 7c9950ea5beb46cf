// The chapter's four single-order scenes, set up in one place so the demo and the tests replay
// exactly the same thing: a fresh shop, one fault injected, one synchronous order.
import { createShop, SERVICE_NAMES, STORY_LATENCY_MS, type ServiceName, type Shop } from '@mq/shared';
import { makeOrder } from '@mq/shared';
import { createOrderSync, type SyncOrderResult } from './create-order';

export interface SceneOptions {
  /** Multiply every service latency by this (1 = the story's 50/100/200/80/60 ms). */
  scale?: number;
  /** For the slow-email scene: how long the SMTP client waits before giving up. */
  smtpTimeoutMs?: number;
}

export interface Scene {
  shop: Shop;
  result: SyncOrderResult;
}

/** The story's latencies multiplied by `scale`. */
export function scaledLatencies(scale: number): Record<ServiceName, number> {
  return Object.fromEntries(SERVICE_NAMES.map((n) => [n, STORY_LATENCY_MS[n] * scale])) as Record<ServiceName, number>;
}

/** The sum of the five latencies: what a healthy order costs the user (490 ms in the story). */
export function healthyLatencyMs(scale = 1): number {
  return SERVICE_NAMES.reduce((sum, n) => sum + STORY_LATENCY_MS[n] * scale, 0);
}

async function scene(n: number, opts: SceneOptions, inject: (shop: Shop) => void): Promise<Scene> {
  const shop = createShop(scaledLatencies(opts.scale ?? 1));
  inject(shop);
  const result = await createOrderSync(shop, makeOrder(n));
  return { shop, result };
}

/** Scene 1: everything healthy. */
export const happyPath = (opts: SceneOptions = {}) => scene(1, opts, () => {});

/** Scene 2: the inventory service is down (connection refused). */
export const inventoryDown = (opts: SceneOptions = {}) => scene(2, opts, (shop) => (shop.inventory.fault = { kind: 'down' }));

/** Scene 3: the SMTP server never answers; the client's timeout decides how long the user waits. */
export const emailTimesOut = (opts: SceneOptions & { smtpTimeoutMs: number }) =>
  scene(3, opts, (shop) => (shop.email.fault = { kind: 'timeout', afterMs: opts.smtpTimeoutMs }));

/** Scene 4: the points service fails after the order, the stock and the email have all gone through. */
export const pointsFail = (opts: SceneOptions = {}) =>
  scene(4, opts, (shop) => (shop.points.fault = { kind: 'fail', message: 'points service returned 500' }));

/**
 * Scene 2b: inventory is down AND the orders DB drops out right after the insert (or the process
 * dies there), so the seed's "rollback" fails too. The DB outage is switched on at the moment the
 * inventory call starts, which makes the scene deterministic.
 */
export const inventoryDownRollbackFails = (opts: SceneOptions = {}) =>
  scene(5, opts, (shop) => {
    shop.inventory.fault = { kind: 'down' };
    const deduct = shop.inventory.call.bind(shop.inventory);
    shop.inventory.call = (op, key) => {
      shop.ordersDb.fault = { kind: 'down' };
      return deduct(op, key);
    };
  });
