// pnpm doctor: which services answer (NATS, Redis, PostgreSQL, RabbitMQ at their env URLs or default
// ports), their versions, whether JetStream is on, which nats-server binaries exist, and what each
// lesson will use here: a shared server, a private one it starts, or nothing (and the fix).
import fs from 'node:fs';
import path from 'node:path';
import { LESSON_NEEDS } from './doctor/needs';
import { natsBinaries, otherBinaries, probeServices } from './doctor/probes';
import { resolveAll, verdicts } from './doctor/verdicts';

// `pnpm doctor` alone is pnpm's own command (it checks pnpm's setup): run this one as `pnpm run doctor`.
const USAGE = `usage: pnpm run doctor
  Reports which services answer at NATS_URL / REDIS_URL / DATABASE_URL / AMQP_URL (or the default
  local ports), the nats-server binaries private servers can use, and what each lesson will use.`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd()).join('\n');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (args.length) {
    console.error(`pnpm doctor: unknown argument ${args.join(' ')}\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  const root = path.resolve(import.meta.dirname, '..');
  const env = process.env;
  const [services, resolved] = await Promise.all([probeServices(env), resolveAll(env)]);
  const nats = natsBinaries(root, env);
  const others = otherBinaries();
  const natsPrivate = nats.found.find((b) => b.path === nats.privateUses) ?? (nats.privateUses ? { label: '', path: nats.privateUses } : undefined);
  const lessons = fs.readdirSync(path.join(root, 'examples')).filter((d) => /^\d\d-/.test(d)).sort();

  console.log('Services (env URL, or the default local port)');
  console.log(table(services.map((s) => [
    s.name,
    `${s.url} (${s.from})`,
    s.answers ? `${s.version ?? 'answers'}${s.name === 'NATS' && s.jetstream !== undefined ? `, JetStream ${s.jetstream ? 'on' : 'off'}` : ''}` : 'not reachable',
    s.problem && s.answers ? `: ${s.problem}` : '',
  ]).map((r) => [r[0], r[1], r[2] + r[3]])));

  console.log('\nnats-server binaries (private servers in tests, 08, 10 and 11)');
  console.log(nats.found.length ? table(nats.found.map((b) => [b.label, b.path, b.version ? `v${b.version}` : b.problem ?? ''])) : '  none found');
  if (!env.NATS_SERVER_BIN) console.log('  NATS_SERVER_BIN  not set');
  console.log(natsPrivate
    ? `  private servers will use ${natsPrivate.path}${natsPrivate.version ? ` (v${natsPrivate.version})` : ''}`
    : '  no nats-server for private servers: apt-get install nats-server, or pnpm nats:fetch');
  console.log('  choose another: export NATS_SERVER_BIN=$(pnpm -s nats:fetch | tail -1)   (the pinned current release)');

  console.log('\nOther server binaries');
  console.log(table([
    ['redis-server', others['redis-server'] ? `${others['redis-server'].path} v${others['redis-server'].version}` : 'not installed (apt-get install redis-server)'],
    ['postgres', others.postgres ? `${others.postgres.path} v${others.postgres.version}` : 'not installed (apt-get install postgresql)'],
  ]));

  const bins = { 'nats-server': natsPrivate, ...others };
  const rabbit = services.find((s) => s.name === 'RabbitMQ')!;
  const v = verdicts(lessons, resolved, bins, rabbit);
  console.log('\nLessons');
  console.log(table([['lesson', 'needs', 'here', 'uses'], ...v.map((x) => [x.lesson, x.needs, x.status, x.status === 'runs' ? x.uses : `fix: ${x.fix}`])]));
  const unknown = lessons.filter((l) => !LESSON_NEEDS[l]);
  if (unknown.length) console.log(`\n  ${unknown.join(', ')}: not in tools/doctor/needs.ts yet`);
  console.log(`\n${v.filter((x) => x.status === 'runs').length} of ${v.length} lessons can run here (checked in ${Math.round(performance.now() - started)} ms).`);
  return 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error(`pnpm doctor: ${(err as Error).message}`);
  process.exit(1);
});
