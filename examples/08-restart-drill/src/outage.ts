// One broker outage, the same for every scene: take the server down (a graceful stop like
// `docker stop`, or a SIGKILL crash), leave it down for the outage, then start it again on the
// same port and the same data directory. Returns when each phase happened, for the timelines, and
// what a probe saw just before the restart (so "it was down" is a checked fact, not a timestamp).
import { delay } from '@mq/shared';
import { tcpReachable, type PrivateServer } from '@mq/shared/services';

export type OutageMode = 'stop' | 'kill';

export const OUTAGE_LABEL: Record<OutageMode, string> = {
  stop: 'graceful stop (SIGTERM, like `docker stop`)',
  kill: 'crash (SIGKILL: no chance to flush anything)',
};

export interface OutageTimes {
  mode: OutageMode;
  /** performance.now() values. */
  downRequestedAt: number;
  downAt: number;
  restartRequestedAt: number;
  /** The server logged "ready" again. */
  readyAt: number;
  /** Checked at the end of the outage, just before the restart. */
  probe: DownProbe;
}

export interface DownProbe {
  /** Was the server process still alive? */
  running: boolean;
  /** Did anything accept a TCP connection on its port? */
  accepting: boolean;
}

/** Is the server really gone: process exited and its port refusing connections? */
export async function probeDown(server: PrivateServer): Promise<DownProbe> {
  const host = new URL(server.url).hostname || '127.0.0.1';
  return { running: server.running, accepting: await tcpReachable(host, server.port) };
}

// #region look-outage
/** Bring the server down. Resolves once the process has exited. */
export async function takeDown(server: PrivateServer, mode: OutageMode): Promise<{ downRequestedAt: number; downAt: number }> {
  const downRequestedAt = performance.now();
  if (mode === 'stop') await server.stop();
  else await server.kill();
  return { downRequestedAt, downAt: performance.now() };
}

/** Keep the server down for `outageMs` (the story's 30 s, scaled), then restart it on the same store. */
export interface BackTimes {
  restartRequestedAt: number;
  readyAt: number;
  probe: DownProbe;
}

export async function bringBackAfter(server: PrivateServer, outageMs: number): Promise<BackTimes> {
  await delay(outageMs); // models how long the broker is down; nothing waits on this as a signal
  const probe = await probeDown(server);
  const restartRequestedAt = performance.now();
  await server.restart();
  return { restartRequestedAt, readyAt: performance.now(), probe };
}
// #endregion look-outage

/** The whole outage: down, wait, back. */
export async function outage(server: PrivateServer, mode: OutageMode, outageMs: number): Promise<OutageTimes> {
  const down = await takeDown(server, mode);
  const back = await bringBackAfter(server, outageMs);
  return { mode, ...down, ...back };
}
