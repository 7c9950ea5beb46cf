// The console in a real browser (Debian's chromium driven by playwright-core): while lesson 12's
// scripted load runs against a private nats-server, the page shows the consumer's pending rise and
// fall, one swimlane mark per delivery, and the poison message in the DLQ; redrive (confirmed in
// the browser's dialog) sends it back, and its ack shows up. A screenshot goes to console/out/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { waitFor } from '@mq/shared';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { runScriptedLoad, type LoadResult } from '../../examples/12-observability/src/load';
import { NAMES } from '../../examples/12-observability/src/setup';
import { SCALED_THRESHOLDS } from '../../examples/12-observability/src/thresholds';
import { startConsole, type RunningConsole } from '../src/server';
import { CHROMIUM_FLAGS, chromiumPath } from '../src/chromium';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out');
let f: NatsFixture;
let c: RunningConsole;
let browser: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
  const executablePath = chromiumPath(); // throws one sentence saying how to install it
  f = await privateNats({ monitor: true });
  c = await startConsole({ natsUrl: f.url, monitorUrl: f.server.monitorUrl, port: 0, allowActions: true, intervalMs: 100 });
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-console-chromium-'));
  const viewport = { width: 1400, height: 900 };
  browser = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_FLAGS, viewport });
  page = browser.pages()[0] ?? (await browser.newPage());
});

afterAll(async () => {
  await browser?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
  await c?.close();
  await f?.dispose();
});

const consumerRow = `[data-consumer="${NAMES.stream}/${NAMES.consumer}"]`;

it('shows pending rise and fall, a mark per delivery, and redrives a dead letter on a confirmed click', async () => {
  await page.goto(c.url);
  await page.locator('[data-testid=connection]', { hasText: 'live' }).waitFor({ timeout: 5_000 });
  // Record what the page shows for the consumer's pending, as the learner would see it.
  await page.evaluate((row) => {
    const w = window as unknown as { seenPending: number[] };
    w.seenPending = [];
    setInterval(() => {
      const cell = document.querySelector(`${row} [data-testid=pending]`);
      if (cell) w.seenPending.push(Number(cell.textContent));
    }, 25);
  }, consumerRow);

  let dialogText = '';
  let redrivenSeq = -1;
  const th = { ...SCALED_THRESHOLDS, pending: 40 };
  const r: LoadResult = await runScriptedLoad({
    url: f.url,
    thresholds: th,
    sampleMs: 50,
    nakDelayMs: 100,
    ackWaitMs: 5_000,
    // The burst stands still until the page has shown it: what is asserted is what a learner sees,
    // not whether a poll happened to land inside a 100 ms drain.
    whileBurstHeld: () =>
      page.waitForFunction(
        (limit) => (window as unknown as { seenPending: number[] }).seenPending.some((p) => p > limit),
        th.pending,
        { timeout: 5_000 },
      ).then(
        () => undefined,
        () => { throw new Error(`the page never showed pending above ${th.pending} while the burst of orders stood in the queue`); },
      ),
    afterPoison: async (relay) => {
      relay.refused.clear(); // the fault is fixed: now a redrive can succeed
      const button = page.locator(`[data-dlq="${NAMES.dlqStream}/1"] [data-testid=redrive]`);
      await button.waitFor({ timeout: 5_000 });
      page.once('dialog', (d) => {
        dialogText = d.message();
        void d.accept();
      });
      await button.click();
      const toast = await page.locator('[data-testid=toast]', { hasText: 'redriven' }).textContent({ timeout: 5_000 });
      redrivenSeq = Number(/L12_ORDERS #(\d+)/.exec(toast ?? '')?.[1]);
      await waitFor(() => consumerIdle(c), { timeoutMs: 5_000, what: 'the redriven order processed' });
      fs.mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: path.join(OUT, 'browser-test.png'), fullPage: true });
    },
  });

  expect(dialogText, 'the confirmation the browser showed').toContain(`Redrive ${NAMES.dlqStream} #1 back to ${NAMES.subject}?`);
  const ackOfRedriven = page.locator(`[data-testid=mark][data-kind=ack][data-seq="${redrivenSeq}"]`);
  await ackOfRedriven.waitFor({ timeout: 5_000 });
  await page.locator(`[data-dlq="${NAMES.dlqStream}/1"]`).waitFor({ state: 'detached', timeout: 5_000 });

  const seen = await page.evaluate(() => (window as unknown as { seenPending: number[] }).seenPending);
  const peak = Math.max(...seen);
  expect(peak, `peak pending the page showed during a ${r.burstSize}-order burst`).toBeGreaterThan(th.pending);
  const afterPeak = seen.slice(seen.indexOf(peak));
  expect(afterPeak.at(-1), 'pending the page shows once the workers caught up').toBe(0);

  // One mark per delivery: the page's marks (ack, nak, term) against what the workers handled.
  const deliveryMarks = page.locator('[data-testid=mark]:is([data-kind=ack],[data-kind=nak],[data-kind=term],[data-kind=leave],[data-kind=ack-error])');
  await waitFor(async () => (await deliveryMarks.count()) >= r.handled, { timeoutMs: 5_000, what: `${r.handled} marks` });
  const marks = await deliveryMarks.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset));
  expect(marks.length, 'swimlane marks vs deliveries handled').toBe(r.handled);
  const lanes = await page.locator('.lane').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.lane));
  expect(lanes, 'one lane per worker').toEqual(['email-worker-1 · email-worker', 'email-worker-2 · email-worker']);
  const poison = marks.filter((m) => m.kind !== 'ack').sort((a, b) => Number(a.delivery) - Number(b.delivery));
  expect(poison.map((m) => `${m.kind}@${m.delivery}`), 'the poison message\'s marks (both lanes): 5 naks, then term at delivery 6').toEqual([
    'nak@1', 'nak@2', 'nak@3', 'nak@4', 'nak@5', 'term@6',
  ]);
});

/** The console's latest poll shows the consumer with nothing pending and nothing in hand. */
function consumerIdle(rc: RunningConsole): boolean {
  const s = rc.latest();
  if (!s?.streams.ok) return false;
  const cons = s.streams.value.find((x) => x.name === NAMES.stream)?.consumers.find((x) => x.name === NAMES.consumer);
  return !!cons && cons.pending === 0 && cons.ackPending === 0;
}
