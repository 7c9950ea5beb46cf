// A client that opens a connection and then sends nothing, or one byte at a time, must not hold it
// forever: 30 such connections are enough to tie up a small service (issue 13: they stayed open
// 75 s). The service closes a slow body at the request timeout, slow headers at the headers
// timeout, and an idle keep-alive connection at the keep-alive timeout; each bound is measured here.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpTimeouts } from '../src/limits';
import { serviceFixture, type ServiceFixture } from './fixture';

const T: HttpTimeouts = { requestMs: 1_500, headersMs: 800, keepAliveMs: 600, idleMs: 5_000, checkEveryMs: 200 };
/** Closing may come up to one check interval late, plus scheduling slack on a loaded machine. */
const SLACK_MS = T.checkEveryMs + 700;

let s: ServiceFixture;
beforeAll(async () => {
  s = await serviceFixture({ timeouts: T });
});
afterAll(() => s?.dispose());

interface Slow {
  /** ms from connect until the server closed the connection */
  closedAfter: Promise<number>;
  received: () => string;
}

/** Open a connection, send `head` at once, then trickle `trickle` one byte every 100 ms (and never finish). */
function slowClient(port: number, head: string, trickle = ''): Slow {
  const socket = net.connect(port, '127.0.0.1');
  let got = '';
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  socket.on('data', (b) => (got += b.toString()));
  socket.on('error', () => {}); // a reset counts as closed too
  socket.once('connect', () => {
    socket.write(head);
    let i = 0;
    timer = setInterval(() => {
      if (!socket.writable) return;
      socket.write(trickle[i % trickle.length] ?? 'x');
      i += 1;
    }, 100);
  });
  const closedAfter = new Promise<number>((resolve) => socket.once('close', () => {
    clearInterval(timer);
    resolve(performance.now() - t0);
  }));
  // Never outlive the test: if the server does not close it, the assertion below fails and this ends it.
  setTimeout(() => socket.destroy(), 10_000).unref();
  return { closedAfter, received: () => got };
}

describe('slow clients are cut off', () => {
  it(`30 slow-body connections are all closed with 408 within the request timeout (${T.requestMs} ms)`, async () => {
    const head = 'POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"subject":';
    const clients = Array.from({ length: 30 }, () => slowClient(s.svc.port, head, ' '));
    const closed = await Promise.all(clients.map((c) => c.closedAfter));
    closed.forEach((ms, i) => {
      expect(ms, `connection ${i + 1} closed after ${Math.round(ms)} ms`).toBeGreaterThanOrEqual(T.requestMs - 100);
      expect(ms, `connection ${i + 1} closed after ${Math.round(ms)} ms`).toBeLessThan(T.requestMs + SLACK_MS);
      expect(clients[i].received(), `connection ${i + 1}`).toMatch(/^HTTP\/1\.1 408 /);
    });
    // The service is still there for everyone else.
    expect((await s.call('GET', '/healthz')).status).toBe(200);
  });

  it(`headers sent one byte at a time are cut off at the headers timeout (${T.headersMs} ms)`, async () => {
    const c = slowClient(s.svc.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', 'X-Slow: yes\r\n');
    const ms = await c.closedAfter;
    expect(ms, `closed after ${Math.round(ms)} ms`).toBeGreaterThanOrEqual(T.headersMs - 100);
    expect(ms, `closed after ${Math.round(ms)} ms`).toBeLessThan(T.headersMs + SLACK_MS);
  });

  // Node 20 keeps an idle keep-alive socket 1 s longer than keepAliveTimeout (measured: 600 ms -> 1.6 s, 2 s -> 3.0 s).
  const NODE_KEEP_ALIVE_GRACE_MS = 1_000;
  it(`an idle keep-alive connection is closed after the keep-alive timeout (${T.keepAliveMs} ms, plus node's 1 s)`, async () => {
    const socket = net.connect(s.svc.port, '127.0.0.1');
    setTimeout(() => socket.destroy(), 10_000).unref(); // never outlive the test
    let got = '';
    socket.on('data', (b) => (got += b.toString()));
    await new Promise((r) => socket.once('connect', r));
    const sentAt = performance.now();
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await new Promise((r) => socket.once('close', r));
    const ms = performance.now() - sentAt;
    expect(got).toMatch(/^HTTP\/1\.1 200 /);
    expect(ms, `closed after ${Math.round(ms)} ms`).toBeGreaterThanOrEqual(T.keepAliveMs - 100);
    expect(ms, `closed after ${Math.round(ms)} ms`).toBeLessThan(T.keepAliveMs + NODE_KEEP_ALIVE_GRACE_MS + SLACK_MS);
  });
});
