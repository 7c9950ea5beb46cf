// What each lesson needs to run: a service it finds (shared default server, env URL, or a private
// server it starts from a local binary), or a binary it must have because it starts, kills and
// restarts its own server. The root README's table says the same; pnpm doctor checks it on this machine.

export type ServiceNeed = 'nats' | 'redis' | 'postgres' | 'rabbitmq';
export type BinaryNeed = 'nats-server' | 'redis-server' | 'postgres';

export interface LessonNeeds {
  /** Services found by resolution (env URL, default port, then a private server, then a container). */
  services: ServiceNeed[];
  /** Server binaries the lesson always runs privately (it kills or restarts them). */
  binaries: BinaryNeed[];
  /** Services used when they answer and skipped (saying so) when not. */
  optional?: ServiceNeed[];
}

export const LESSON_NEEDS: Record<string, LessonNeeds> = {
  '00-sync': { services: [], binaries: [] },
  '01-db-queue': { services: ['postgres'], binaries: [] },
  '02-redis-list': { services: ['redis'], binaries: ['redis-server'] },
  '03-jetstream': { services: ['nats'], binaries: [] },
  '04-queue-groups': { services: ['nats'], binaries: [] },
  '05-fanout-vs-queue': { services: ['nats'], binaries: [] },
  '06-partitioning': { services: ['nats'], binaries: [] },
  '07-dlq': { services: ['nats'], binaries: [] },
  '08-restart-drill': { services: [], binaries: ['nats-server', 'redis-server'] },
  '09-http-api': { services: ['nats'], binaries: [] },
  '10-cluster': { services: [], binaries: ['nats-server'] },
  '11-bench': { services: [], binaries: ['nats-server', 'redis-server', 'postgres'], optional: ['rabbitmq'] },
  '12-observability': { services: ['nats'], binaries: [] },
};

export function describeNeeds(n: LessonNeeds): string {
  const name = { nats: 'NATS (JetStream)', redis: 'Redis', postgres: 'PostgreSQL', rabbitmq: 'RabbitMQ' };
  const parts = [
    ...n.services.map((s) => name[s]),
    ...(n.binaries.length ? [`${n.binaries.join(', ')} binar${n.binaries.length > 1 ? 'ies' : 'y'}`] : []),
    ...(n.optional ?? []).map((s) => `${name[s]} if up`),
  ];
  return parts.length ? parts.join(', ') : 'nothing';
}
