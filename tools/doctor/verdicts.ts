// What each lesson will use on this machine, decided by the lessons' own resolution code
// (resolveService from @mq/shared/services) rather than a copy of its rules.
import fs from 'node:fs';
import { DEFAULTS, type ServiceKind } from '@mq/shared';
import { resolveService } from '@mq/shared/services';
import { describeNeeds, LESSON_NEEDS, type BinaryNeed } from './needs';
import type { BinaryProbe, ServiceProbe } from './probes';

export interface Verdict {
  lesson: string;
  needs: string;
  /** 'runs' or 'cannot run'. */
  status: 'runs' | 'cannot run';
  uses: string;
  fix?: string;
}

export interface Resolution {
  kind: ServiceKind;
  /** The description resolution printed, or undefined when it found no running server. */
  server?: string;
  /** Set when no running server can be used: resolution's own sentence. */
  error?: string;
  /** The env var was set: the lessons use it as given and never fall back. */
  fromEnv: boolean;
}

/** Resolve each service the way a lesson does, but never start anything. */
export async function resolveAll(env: NodeJS.ProcessEnv): Promise<Record<ServiceKind, Resolution>> {
  const one = async (kind: ServiceKind): Promise<Resolution> => {
    const fromEnv = Boolean(env[DEFAULTS[kind].envVar]);
    try {
      const r = await resolveService(kind, { env, privateBinary: false, containers: false });
      await r.close();
      return { kind, server: r.description, fromEnv };
    } catch (err) {
      return { kind, error: (err as Error).message, fromEnv };
    }
  };
  const [nats, redis, postgres, rabbitmq] = await Promise.all([one('nats'), one('redis'), one('postgres'), one('rabbitmq')]);
  return { nats, redis, postgres, rabbitmq };
}

const BINARY_FIX: Record<BinaryNeed, string> = {
  'nats-server': 'apt-get install nats-server, or `export NATS_SERVER_BIN=$(pnpm -s nats:fetch | tail -1)`',
  'redis-server': 'apt-get install redis-server',
  postgres: 'apt-get install postgresql',
};

export function verdicts(
  lessons: string[],
  resolved: Record<ServiceKind, Resolution>,
  binaries: Record<BinaryNeed, BinaryProbe | undefined>,
  rabbit: ServiceProbe,
): Verdict[] {
  const dockerSocket = fs.existsSync('/var/run/docker.sock');
  return lessons.map((lesson): Verdict => {
    const needs = LESSON_NEEDS[lesson];
    if (!needs) return { lesson, needs: '?', status: 'cannot run', uses: 'unknown lesson', fix: 'add it to tools/doctor/needs.ts' };
    const uses: string[] = [];
    const fixes: string[] = [];
    for (const kind of needs.services) {
      if (kind === 'rabbitmq') continue;
      const r = resolved[kind];
      const bin = binaries[kind === 'nats' ? 'nats-server' : kind === 'redis' ? 'redis-server' : 'postgres'];
      if (r.server) uses.push(r.server.replace(/^[^:]+: /, `${label(kind)} `));
      else if (!r.fromEnv && bin?.version) uses.push(`a private ${label(kind)} from ${bin.path}`);
      else if (!r.fromEnv && dockerSocket) uses.push(`a ${label(kind)} container`);
      else fixes.push(r.error ?? `${label(kind)} unavailable`);
    }
    for (const b of needs.binaries) {
      const bin = binaries[b];
      if (bin?.version) uses.push(`private ${b} ${bin.version}`);
      else if (bin?.problem) fixes.push(`${b} at ${bin.path} ${bin.problem} (fix the path, or unset NATS_SERVER_BIN).`);
      else fixes.push(`${b} is not installed (${BINARY_FIX[b]}).`);
    }
    for (const s of needs.optional ?? []) {
      if (s === 'rabbitmq') uses.push(rabbit.version ? `${rabbit.version} at ${rabbit.url}` : 'no RabbitMQ (its part is skipped)');
    }
    const base = { lesson, needs: describeNeeds(needs) };
    if (fixes.length) return { ...base, status: 'cannot run', uses: uses.join('; ') || '-', fix: fixes.join(' ') };
    return { ...base, status: 'runs', uses: uses.join('; ') || 'in-process fakes only' };
  });
}

function label(kind: ServiceKind): string {
  return { nats: 'NATS', redis: 'Redis', postgres: 'PostgreSQL', rabbitmq: 'RabbitMQ' }[kind];
}
