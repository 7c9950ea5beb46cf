// Which nats-server a lesson talks to, for the parts that differ by version (issue 15): 2.9 needs
// some things built by hand that a current server (2.11+) does natively. Lessons gate a scene or a
// test on `versionAtLeast(natsServerVersion(nc), '2.11')` and say what the old server does instead.
import type { NatsConnection } from '@nats-io/transport-node';

/** "2.9.10" or "v2.15.1-beta" -> [2, 9, 10]. */
export function parseVersion(v: string): [number, number, number] {
  const [a = 0, b = 0, c = 0] = v.replace(/^v/, '').split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  return [a, b, c];
}

/** True when version `v` is `min` or newer ("2.15.1" >= "2.11"). */
export function versionAtLeast(v: string | undefined, min: string): boolean {
  if (!v) return false;
  const [x, y] = [parseVersion(v), parseVersion(min)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return true;
}

/** The version of the server this connection talks to ("0.0.0" before it has said). */
export function natsServerVersion(nc: NatsConnection): string {
  return nc.info?.version ?? '0.0.0';
}
