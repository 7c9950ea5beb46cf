// The check of 01-claim-query. It runs the learner's claimNext against a database of its own
// (x01_check_..., dropped at the end) under the chapter's faults: eight workers claiming at once,
// and a row held by another worker's open transaction. It judges behaviour only: which tasks went
// to whom, and whether a call waited.
import pg from 'pg';
import { lessonScope, resolveDatabase } from '@mq/shared';
import { defineExercise, describeThrown, type Verdict } from '@mq/shared/workshop';
import { createSchema, insertTasks } from '../../src/setup';

type ClaimNext = (client: pg.ClientBase, worker: string, leaseMs: number) => Promise<{ id: string; lease_id: string } | null>;

const WORKERS = 8;
const TASKS = 400;
const LEASE_MS = 30_000;
const WAIT_LIMIT_MS = 2_000;

export default defineExercise({
  id: '01-claim-query',
  title: 'Write the claim: one statement, no double claims, no waiting on locked rows',
  minutes: 15,
  goal:
    'claimNext takes the oldest runnable task with a lease (status, locked_by, lease_id, locked_until) in one statement: ' +
    'no two workers ever get the same task, and a row another transaction holds is skipped, not waited for.',
  checks: [
    'three tasks, one not yet runnable: two claims return the two runnable ones, oldest first, with their lease set; the third returns null',
    `${WORKERS} workers claim ${TASKS} tasks at once: every task is claimed by exactly one worker`,
    `another transaction holds the oldest task: your claim must return the next one within ${WAIT_LIMIT_MS} ms`,
  ],
  async check(ctx): Promise<Verdict> {
    let claimNext: ClaimNext;
    try {
      claimNext = (await import(ctx.modulePath)).claimNext;
      if (typeof claimNext !== 'function') return { ok: false, problems: ['the file does not export a function claimNext'] };
    } catch (err) {
      return { ok: false, problems: [`the file could not be loaded: ${describeThrown(err)}`] };
    }
    const db = await resolveDatabase({ prefix: `${lessonScope('01', 'exercise').database}check` });
    const clients: pg.Client[] = [];
    const connect = async () => {
      const c = new pg.Client({ connectionString: db.url });
      c.on('error', () => {});
      await c.connect();
      clients.push(c);
      return c;
    };
    try {
      const admin = await connect();
      await createSchema(admin);
      const problems: string[] = [];
      const proved: string[] = [];
      for (const step of [basics, crowd, lockedRow]) {
        ctx.log(`running: ${step.name}`);
        try {
          const r = await step(claimNext, admin, connect);
          problems.push(...r.problems);
          proved.push(...r.proved);
        } catch (err) {
          problems.push(`claimNext threw: ${describeThrown(err)}`);
        }
        if (problems.length > 0) break;
      }
      return problems.length > 0 ? { ok: false, problems } : { ok: true, proved };
    } finally {
      await Promise.allSettled(clients.map((c) => c.end()));
      await db.close();
    }
  },
});

interface StepResult {
  problems: string[];
  proved: string[];
}

async function basics(claimNext: ClaimNext, admin: pg.Client): Promise<StepResult> {
  await admin.query('TRUNCATE task_queue');
  const [first, second, later] = await insertTasks(admin, ['ORD-0001', 'ORD-0002', 'ORD-0003'].map((o) => ({ type: 'send_email', payload: { orderId: o } })));
  await admin.query(`UPDATE task_queue SET run_at = now() - interval '2 seconds' WHERE id = $1`, [first]);
  await admin.query(`UPDATE task_queue SET run_at = now() - interval '1 second' WHERE id = $1`, [second]);
  await admin.query(`UPDATE task_queue SET run_at = now() + interval '1 hour' WHERE id = $1`, [later]);
  const problems: string[] = [];
  const got = [await claimNext(admin, 'w1', LEASE_MS), await claimNext(admin, 'w2', LEASE_MS), await claimNext(admin, 'w3', LEASE_MS)];
  const ids = got.map((g) => (g ? String(g.id) : null));
  if (ids[0] !== first || ids[1] !== second) {
    problems.push(`the first two claims returned tasks ${ids[0]} and ${ids[1]}: expected ${first} then ${second}, the oldest runnable first (ORDER BY run_at, id)`);
  }
  if (ids[2] !== null) problems.push(`the third claim returned task ${ids[2]}, which is not runnable for another hour (run_at <= now())`);
  const rows = (
    await admin.query<{ id: string; status: string; locked_by: string | null; lease_id: string | null; lease_ms: number | null }>(
      `SELECT id, status, locked_by, lease_id::text,
              extract(epoch FROM locked_until - now()) * 1000 AS lease_ms FROM task_queue WHERE id = ANY($1) ORDER BY id`,
      [[first, second]],
    )
  ).rows;
  for (const [i, r] of rows.entries()) {
    const who = `w${i + 1}`;
    if (r.status !== 'processing') problems.push(`task ${r.id} is '${r.status}' after ${who} claimed it: a claim marks it 'processing'`);
    if (r.locked_by !== who) problems.push(`task ${r.id} has locked_by ${r.locked_by}: it should name the worker that claimed it (${who})`);
    if (!r.lease_id || (got[i] && String(got[i]!.lease_id) !== r.lease_id)) {
      problems.push(`task ${r.id}: the lease_id returned (${got[i]?.lease_id}) is not the one in the row (${r.lease_id}); the fencing token must be new and returned`);
    }
    const leaseMs = Number(r.lease_ms);
    if (!(leaseMs > LEASE_MS - 5_000 && leaseMs <= LEASE_MS + 1_000)) {
      problems.push(`task ${r.id}: locked_until is ${Math.round(leaseMs)} ms away, expected about the ${LEASE_MS} ms lease`);
    }
  }
  return { problems, proved: problems.length ? [] : ['oldest runnable task first, with status, locked_by, a new lease_id and locked_until set'] };
}

async function crowd(claimNext: ClaimNext, admin: pg.Client, connect: () => Promise<pg.Client>): Promise<StepResult> {
  await admin.query('TRUNCATE task_queue');
  await insertTasks(admin, Array.from({ length: TASKS }, (_, i) => ({ type: 'send_push', payload: { orderId: `ORD-${i + 1}` } })));
  const owners = new Map<string, string[]>();
  const deadline = Date.now() + 8_000;
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => connect()));
  let finished = 0;
  await Promise.all(
    workers.map(async (client, i) => {
      const name = `worker ${i + 1}`;
      while (Date.now() < deadline) {
        const got = await claimNext(client, name, LEASE_MS);
        if (got) {
          const id = String(got.id);
          owners.set(id, [...(owners.get(id) ?? []), name]);
          await client.query(`UPDATE task_queue SET status = 'completed' WHERE id = $1`, [id]);
          continue;
        }
        const left = await client.query(`SELECT 1 FROM task_queue WHERE status = 'pending' LIMIT 1`);
        if (left.rowCount === 0) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      finished += 1;
    }),
  );
  const twice = [...owners].filter(([, by]) => by.length > 1);
  const problems = twice
    .slice(0, 5)
    .map(
      ([id, by]) =>
        `task ${id} was claimed twice or more (${by.length} times: ${by.join(', ')}): they read it as pending before any of them ` +
        'marked it; find and mark in one statement that locks the row',
    );
  if (twice.length > 5) problems.push(`... and ${twice.length - 5} more tasks were claimed twice`);
  const missing = TASKS - owners.size;
  if (missing > 0 && problems.length === 0) problems.push(`${missing} of ${TASKS} tasks were never claimed within 8 s by ${WORKERS} workers (${finished} finished)`);
  return { problems, proved: problems.length ? [] : [`${WORKERS} workers, ${TASKS} tasks: each claimed by exactly one worker`] };
}

async function lockedRow(claimNext: ClaimNext, admin: pg.Client, connect: () => Promise<pg.Client>): Promise<StepResult> {
  await admin.query('TRUNCATE task_queue');
  const [held, next] = await insertTasks(admin, ['ORD-0100', 'ORD-0101'].map((o) => ({ type: 'send_email', payload: { orderId: o } })));
  const other = await connect();
  const mine = await connect();
  await other.query('BEGIN');
  await other.query('SELECT id FROM task_queue WHERE id = $1 FOR UPDATE', [held]);
  const claim = claimNext(mine, 'worker 2', LEASE_MS).then(
    (r) => ({ r }),
    (err: unknown) => ({ err }),
  );
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([claim, new Promise<'waiting'>((r) => (timer = setTimeout(() => r('waiting'), WAIT_LIMIT_MS)))]);
  clearTimeout(timer);
  await other.query('ROLLBACK'); // let a waiting claim finish, so its connection can close
  await claim;
  if (outcome === 'waiting') {
    return {
      problems: [`your claim waited for task ${held}, which another worker's open transaction holds: after ${WAIT_LIMIT_MS} ms it still had not returned, where it should skip that row and take task ${next} at once`],
      proved: [],
    };
  }
  if ('err' in outcome) return { problems: [`claimNext threw while task ${held} was locked: ${describeThrown(outcome.err)}`], proved: [] };
  const got = outcome.r ? String(outcome.r.id) : null;
  if (got !== next) {
    return { problems: [`with task ${held} locked by another transaction, your claim returned ${got ?? 'nothing'}: it should skip the locked row and take task ${next}`], proved: [] };
  }
  return { problems: [], proved: [`a row held by another transaction is skipped at once: task ${next} claimed while ${held} was locked`] };
}
