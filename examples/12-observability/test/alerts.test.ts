// The chapter's claim: under a scripted load the story's three alerts each fire on the first sample
// past their threshold and clear on the first sample back under it, during their own act only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import type { Metric, Sample, Transition } from '../src/alerts';
import { runScriptedLoad, type LoadResult } from '../src/load';
import { SCALED_THRESHOLDS } from '../src/thresholds';

let f: NatsFixture;
let r: LoadResult;
const th = { ...SCALED_THRESHOLDS, pending: 100 };

beforeAll(async () => {
  f = await privateNats();
  r = await runScriptedLoad({ url: f.url, thresholds: th, sampleMs: 40, nakDelayMs: 150, ackWaitMs: 5_000 });
}, 60_000);
afterAll(() => f?.dispose());

const of = (metric: Metric) => r.transitions.filter((t) => t.metric === metric);
const span = (act: string) => r.acts.find((a) => a.act === act)!;
/** The first sample after `fromMs` for which `pred` holds. */
const first = (fromMs: number, pred: (s: Sample) => boolean) => r.samples.find((s) => s.atMs >= fromMs && pred(s));
const describeT = (t: Transition) => `${t.kind} at ${Math.round(t.atMs)} ms: ${t.metric} ${t.previous} -> ${t.value} (threshold ${t.threshold})`;

describe('the story\'s alerts under a scripted load', () => {
  it(`pending > ${th.pending}: fires during the sale burst, clears when the workers drain it`, () => {
    const [fired, cleared, ...more] = of('pending');
    expect(more.map(describeT).join('; '), 'extra pending transitions').toBe('');
    expect([fired?.kind, cleared?.kind]).toEqual(['fired', 'cleared']);
    const burst = span('burst');
    expect(fired.value, 'pending when the backlog alert fired').toBeGreaterThan(th.pending);
    expect(fired.previous, 'pending on the sample before it fired').toBeLessThanOrEqual(th.pending);
    expect(fired.atMs, 'fired on the first sample above the threshold').toBe(first(0, (s) => s.pending > th.pending)!.atMs);
    expect(cleared.value).toBeLessThanOrEqual(th.pending);
    expect(cleared.atMs, 'cleared on the first sample back at or below it').toBe(first(fired.atMs + 1, (s) => s.pending <= th.pending)!.atMs);
    expect(cleared.atMs, 'cleared within the burst act').toBeLessThanOrEqual(burst.endMs);
    expect(Math.max(...r.samples.map((s) => s.pending)), `peak pending of a ${r.burstSize}-order burst`).toBeGreaterThan(th.pending);
  });

  it(`latency > ${th.latencyMs} ms: fires once slow relay calls finish, clears once fast ones replace them`, () => {
    const [fired, cleared, ...more] = of('latencyMs');
    expect(more.map(describeT).join('; '), 'extra latency transitions').toBe('');
    expect([fired?.kind, cleared?.kind]).toEqual(['fired', 'cleared']);
    expect(fired.value, 'mean handling time when it fired, ms').toBeGreaterThan(th.latencyMs);
    expect(fired.previous).toBeLessThanOrEqual(th.latencyMs);
    expect(fired.atMs, 'not before the first slow call had finished').toBeGreaterThanOrEqual(r.slowFirstDoneMs - 50);
    expect(fired.atMs).toBeGreaterThanOrEqual(span('slow').startMs);
    expect(cleared.atMs, 'not before the relay was fast again').toBeGreaterThanOrEqual(r.fastAgainMs);
    expect(cleared.value).toBeLessThanOrEqual(th.latencyMs);
    expect(cleared.atMs, 'cleared within the slow-worker act').toBeLessThanOrEqual(span('slow').endMs);
  });

  it(`retries > ${th.retries}: fires at the poison's 5th delivery, clears when it is dead-lettered at the 6th`, () => {
    const [fired, cleared, ...more] = of('retries');
    expect(more.map(describeT).join('; '), 'extra retries transitions').toBe('');
    expect([fired?.kind, cleared?.kind]).toEqual(['fired', 'cleared']);
    expect(r.poisonDeliveries.map((d) => d.delivery), `deliveries of ${r.poisonOrder}`).toEqual([1, 2, 3, 4, 5, 6]);
    const at = (n: number) => r.poisonDeliveries.find((d) => d.delivery === n)!.atMs;
    expect(fired.value, 'retries of the poison when it fired').toBeGreaterThanOrEqual(th.retries + 1);
    expect(fired.atMs, 'not before delivery 5 (retry 4)').toBeGreaterThanOrEqual(at(5));
    expect(fired.atMs, 'before delivery 6').toBeLessThan(at(6));
    expect(cleared.atMs, 'not before the dead-letter').toBeGreaterThanOrEqual(r.deadLetteredAtMs);
    expect(cleared.value).toBe(0);
  });
});
