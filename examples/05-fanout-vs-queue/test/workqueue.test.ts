// The story's ORDERS stream is a work queue: it deletes a message at its first ack, so it cannot
// serve two subscribers that both want every message. The server refuses the overlap outright.
import { privateNatsForFile } from '@mq/shared/testing';
import { describe, expect, it } from 'vitest';
import { tryFanoutOnWorkQueue } from '../src/workqueue-refusal';

const f = privateNatsForFile();

describe('05-fanout-vs-queue: fan-out on a work-queue stream', () => {
  it('accepts the first consumer, refuses a second unfiltered one (10099) and an overlapping filter (10100)', async () => {
    const attempts = await tryFanoutOnWorkQueue(f.nats.jsm, 'L05_MODES_WQ', 'l05.wq');
    expect(attempts.map((a) => [a.consumer, a.filter, a.ok, a.code])).toEqual([
      ['fanout-A', '(none)', true, undefined],
      ['fanout-B', '(none)', false, 10099],
      ['fanout-C', 'l05.wq.email', false, 10100],
    ]);
    const names: string[] = [];
    for await (const c of f.nats.jsm.consumers.list('L05_MODES_WQ')) names.push(c.name);
    expect(names).toEqual(['fanout-A']);
  });
});
