// The scenes of the synchronous era, timed exactly: the services' latencies run on vitest's fake
// clock (setTimeout and performance.now), so the user's wait is the exact sum of the steps and
// even the story's real 30 s SMTP timeout costs no test time. Which services were called and the
// exact state each order is left in come from the fake services' call logs.
// (real-clock.test.ts checks the same flow on the real clock, with honest tolerances.)
import { formatTimeline } from '@mq/shared';
import { STORY_LATENCY_MS } from '@mq/shared';
import { STORY, timings } from '@mq/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callList, callsFor, orderState } from '../src/order-state';
import { emailTimesOut, happyPath, healthyLatencyMs, inventoryDown, inventoryDownRollbackFails, pointsFail, type Scene } from '../src/scenarios';
import { requestTimeline } from '../src/timeline';

const NOTHING = { orderStored: false, stockDeducted: false, emailSent: false, pointsAdded: false, pushSent: false };

/** Run a scene to completion on the fake clock. */
async function play(scene: Promise<Scene>): Promise<Scene> {
  await vi.runAllTimersAsync();
  return scene;
}

describe('synchronous CreateOrder (fake clock: exact times)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('happy path: five calls, each after the previous answered; the user waits exactly 50+100+200+80+60 = 490 ms', async () => {
    const { shop, result } = await play(happyPath());
    expect(result.outcome).toBe('created');
    expect(result.latencyMs).toBe(490);
    expect(healthyLatencyMs()).toBe(490);
    expect(callList(shop, result.orderId)).toEqual(['ordersDb.insert ok', 'inventory.deduct ok', 'email.sendConfirmation ok', 'points.add ok', 'push.send ok']);
    const calls = callsFor(shop, result.orderId);
    for (let i = 1; i < calls.length; i++) expect(calls[i].startedMs).toBe(calls[i - 1].endedMs); // strictly in turn
    for (const c of calls) expect(c.endedMs - c.startedMs).toBe(STORY_LATENCY_MS[c.service]);
    expect(formatTimeline(requestTimeline(shop, result))).toEqual([
      '     +0 ms  user       clicks "Buy" (ORD-0001)',
      '     +0 ms  ordersDb   insert ... ok in 50 ms',
      '    +50 ms  inventory  deduct ... ok in 100 ms',
      '   +150 ms  email      sendConfirmation ... ok in 200 ms',
      '   +350 ms  points     add ... ok in 80 ms',
      '   +430 ms  push       send ... ok in 60 ms',
      '   +490 ms  user       sees "order created" after waiting 490 ms',
    ]);
    expect(orderState(shop, result.orderId)).toEqual({
      orderStored: true,
      stockDeducted: true,
      emailSent: true,
      pointsAdded: true,
      pushSent: true,
    });
    expect(result.logged).toEqual([]);
    expect(result.ignored).toEqual([]);
  });

  it('inventory down: the order is refused, the inserted row is deleted again, email/points/push are never called', async () => {
    const { shop, result } = await play(inventoryDown());
    expect(result.outcome).toBe('failed');
    expect(result.error).toBe('inventory: connection refused (service is down)');
    expect(callList(shop, result.orderId)).toEqual(['ordersDb.insert ok', 'inventory.deduct error', 'ordersDb.rollback ok']);
    expect(shop.email.calls.length + shop.points.calls.length + shop.push.calls.length).toBe(0);
    expect(orderState(shop, result.orderId)).toEqual(NOTHING);
    expect(result.latencyMs).toBe(50 + 0 + 50); // insert, a refused connection, the compensating delete
  });

  it("the seed's flaw: if the rollback fails too, the user hears 'failed' but an orphan order row stays", async () => {
    const { shop, result } = await play(inventoryDownRollbackFails());
    expect(result.outcome).toBe('failed');
    expect(callList(shop, result.orderId)).toEqual(['ordersDb.insert ok', 'inventory.deduct error', 'ordersDb.rollback error']);
    expect(result.ignored).toEqual(['ordersDb: connection refused (service is down)']);
    expect(result.logged).toEqual([]);
    expect(orderState(shop, result.orderId)).toEqual({ ...NOTHING, orderStored: true });
  });

  it.each([
    ['scaled (the demo default)', timings(false).get('smtpTimeoutMs')],
    ["the story's 30 s", STORY.smtpTimeoutMs],
  ])('email hangs, SMTP timeout %s: the user waits the timeout + the other four steps and gets no email', async (_label, smtpTimeoutMs) => {
    const { shop, result } = await play(emailTimesOut({ smtpTimeoutMs }));
    expect(result.latencyMs).toBe(smtpTimeoutMs + 50 + 100 + 80 + 60); // 1,790 ms scaled; 30,290 ms in the story
    expect(result.outcome).toBe('created'); // the seed only logs the email error
    expect(result.logged).toEqual([`email failed, but the order was created: email: no answer within ${smtpTimeoutMs} ms (timeout)`]);
    expect(callList(shop, result.orderId)).toEqual(['ordersDb.insert ok', 'inventory.deduct ok', 'email.sendConfirmation error', 'points.add ok', 'push.send ok']);
    expect(orderState(shop, result.orderId)).toEqual({
      orderStored: true,
      stockDeducted: true,
      emailSent: false,
      pointsAdded: true,
      pushSent: true,
    });
  });

  it('points fail after order, stock and email: a half-applied order that the request still calls "created"', async () => {
    const { shop, result } = await play(pointsFail());
    expect(result.outcome).toBe('created');
    expect(result.latencyMs).toBe(490);
    expect(callList(shop, result.orderId)).toEqual(['ordersDb.insert ok', 'inventory.deduct ok', 'email.sendConfirmation ok', 'points.add error', 'push.send ok']);
    // Exactly this state, and nothing undone: no rollback call, no compensation, no retry.
    expect(orderState(shop, result.orderId)).toEqual({
      orderStored: true,
      stockDeducted: true,
      emailSent: true,
      pointsAdded: false,
      pushSent: true,
    });
    expect(shop.ordersDb.calls.map((c) => c.op)).toEqual(['insert']);
    expect(shop.points.calls).toHaveLength(1);
    // The only trace that points are owed is one log line.
    expect(result.logged).toEqual(['adding points failed: points: points service returned 500']);
    expect(result.ignored).toEqual([]);
  });
});
