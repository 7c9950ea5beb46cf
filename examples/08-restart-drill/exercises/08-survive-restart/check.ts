// The check of 08-survive-restart: a private nats-server with a file-backed ORDERS stream, 200
// orders through the learner's publishOrder, the broker SIGKILLed and restarted twice (same port,
// same store directory) while they go in, and three PubAcks lost on the way (the broker stored the
// order, its answer never arrived) and three requests lost (the broker never saw them). Every
// attempt is recorded in the shared history, then the stream is read back: every order exactly once.
import { jetstream, RetentionPolicy, StorageType, type JetStreamClient } from '@nats-io/jetstream';
import { nanos, TimeoutError } from '@nats-io/transport-node';
import { connectNats, delay, ensureStream, makeOrder, waitFor, type Nats, type Order } from '@mq/shared';
import { PrivateNatsServer } from '@mq/shared/services';
import { checkHistory, defineExercise, describeThrown, findingSentences, HistoryRecorder, importUnderTest, type Finding } from '@mq/shared/workshop';

interface UnderTest {
  publishOrder(js: JetStreamClient, order: Order): Promise<void>;
}

const STREAM = 'ORDERS';
const ORDERS = 200;
/** The broker is SIGKILLed right after these orders got their PubAck, and is down this long. */
const KILL_AFTER = [40, 130];
const OUTAGE_MS = 400;
/** Faults injected on the first attempt at these orders. */
const LOST_ACK = ['ORD-0007', 'ORD-0077', 'ORD-0155'];
const LOST_REQUEST = ['ORD-0031', 'ORD-0099', 'ORD-0177'];
const PER_ORDER_LIMIT_MS = 8_000;
const PUBACK_TIMEOUT_MS = 1_000;

type Fate = { kind: 'returned' } | { kind: 'threw'; error: string } | { kind: 'hung' };

/** The JetStream client the learner gets: the real one, with the check's faults and its history recorder on publish. */
function faultyClient(js: JetStreamClient, rec: HistoryRecorder): JetStreamClient {
  const publish: JetStreamClient['publish'] = async (subject, payload, opts) => {
    let id = `(unreadable payload on ${subject})`;
    try {
      id = (JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload as Uint8Array)) as { id?: string }).id ?? id;
    } catch {
      /* recorded under the unreadable name */
    }
    const attempt = rec.publish(id);
    const first = !rec.events.some((e) => e.kind === 'publish' && e.id === id);
    if (first && LOST_REQUEST.includes(id)) {
      await delay(200); // the request went down with a dying connection: the broker never saw it
      attempt.unknown('TimeoutError');
      throw new TimeoutError();
    }
    try {
      const ack = await js.publish(subject, payload, opts);
      if (first && LOST_ACK.includes(id)) {
        attempt.unknown('TimeoutError (PubAck lost)'); // stored, but the answer never arrives
        throw new TimeoutError();
      }
      attempt.ok({ seq: ack.seq, duplicate: ack.duplicate });
      return ack;
    } catch (err) {
      if (err instanceof TimeoutError && first && LOST_ACK.includes(id)) throw err;
      rec.publishFailed(attempt, err);
      throw err;
    }
  };
  return new Proxy(js, { get: (target, prop, receiver) => (prop === 'publish' ? publish : Reflect.get(target, prop, receiver)) });
}

async function storedIds(admin: Nats): Promise<{ ids: string[]; unreadable: number[] }> {
  const info = await waitFor(() => admin.jsm.streams.info(STREAM).catch(() => undefined), { timeoutMs: 8_000, what: 'the stream to answer after the restart' });
  const ids: string[] = [];
  const unreadable: number[] = [];
  for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
    const m = await admin.jsm.streams.getMessage(STREAM, { seq });
    if (!m) continue;
    try {
      const id = m.json<{ id?: unknown }>().id;
      if (typeof id === 'string') ids.push(id);
      else unreadable.push(seq);
    } catch {
      unreadable.push(seq);
    }
  }
  return { ids, unreadable };
}

export default defineExercise({
  id: '08-survive-restart',
  title: 'A publisher that survives a broker SIGKILL',
  isolated: true, // private servers only (or none): runs may overlap
  minutes: 15,
  goal: 'Write publishOrder(js, order): resolve only once the stream has the order, across broker crashes and restarts, and never store an order twice.',
  checks: [
    'start a private nats-server with a file-backed ORDERS stream (order.*, 2-minute duplicate window)',
    `publish ${ORDERS} orders one after another through your publishOrder, with a 1 s PubAck timeout`,
    `SIGKILL the broker right after orders ${KILL_AFTER.join(' and ')} and restart it ${OUTAGE_MS} ms later on the same port and data`,
    `lose the PubAck of ${LOST_ACK.join(', ')} (stored, answer lost) and the request of ${LOST_REQUEST.join(', ')} (never stored), on their first attempt`,
    'read the stream back: every order must be there exactly once',
  ],
  async check(ctx) {
    const m = await importUnderTest<UnderTest>(ctx.modulePath, ['publishOrder']);
    if (!m.ok) return m;
    const server = await PrivateNatsServer.start();
    const conns: Nats[] = [];
    let outages: Promise<void> = Promise.resolve(); // one after another, never overlapping
    try {
      const admin = await connectNats(server.url, { name: 'check-08' });
      conns.push(admin);
      await ensureStream(admin.jsm, {
        name: STREAM,
        subjects: ['order.*'],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        duplicate_window: nanos(120_000),
      });
      const shop = await connectNats(server.url, { name: 'shop' });
      conns.push(shop);
      const rec = new HistoryRecorder();
      const js = faultyClient(jetstream(shop.nc, { timeout: PUBACK_TIMEOUT_MS }), rec);

      const fates = new Map<string, Fate>();
      ctx.log(`publishing ${ORDERS} orders; the broker dies after ${KILL_AFTER.join(' and ')}`);
      for (let n = 1; n <= ORDERS; n++) {
        const order = makeOrder(n);
        let timer: NodeJS.Timeout | undefined;
        const hung = new Promise<Fate>((resolve) => (timer = setTimeout(() => resolve({ kind: 'hung' }), PER_ORDER_LIMIT_MS)));
        const fate = await Promise.race([
          m.module.publishOrder(js, order).then(
            (): Fate => ({ kind: 'returned' }),
            (err: unknown): Fate => {
              if (err instanceof Error && err.name === 'NotWrittenYet') throw err;
              return { kind: 'threw', error: describeThrown(err) };
            },
          ),
          hung,
        ]).finally(() => clearTimeout(timer));
        fates.set(order.id, fate);
        if (fate.kind === 'hung') {
          return { ok: false, problems: [`publishOrder(js, ${order.id}) did not return within ${PER_ORDER_LIMIT_MS / 1000} s: give up (throw) after about 10 s at most, and check the subject is order.created`] };
        }
        if (KILL_AFTER.includes(n)) {
          ctx.log(`SIGKILL after ${order.id}`);
          outages = outages.then(() => server.kill()).then(() => delay(OUTAGE_MS)).then(() => server.restart());
        }
      }
      await outages;
      const { ids, unreadable } = await storedIds(admin);
      const stored = new Set(ids);

      const problems: string[] = [];
      const lost: Finding[] = [];
      for (const [id, fate] of fates) {
        if (stored.has(id)) continue;
        const tries = rec.events.filter((e) => e.kind === 'publish' && e.id === id).length;
        const why =
          fate.kind === 'threw'
            ? `publishOrder gave up after ${tries} attempt${tries === 1 ? '' : 's'} (${fate.error})`
            : tries === 0
              ? 'publishOrder returned without publishing it'
              : `publishOrder returned after ${tries} attempt${tries === 1 ? '' : 's'} without ever getting a PubAck`;
        lost.push({ kind: 'never-processed', id, sentence: `${id} never reached the stream: ${why}; the shop would lose this order, so retry until a PubAck comes` });
      }
      problems.push(...findingSentences(lost));
      const verdict = checkHistory(rec.events, { stored: ids });
      problems.push(...findingSentences(verdict.findings));
      if (unreadable.length) problems.push(`Stream messages ${unreadable.slice(0, 5).join(', ')} are not an order as JSON (payload: JSON.stringify(order))`);
      if (problems.length) return { ok: false, problems };
      const { attempts, unknownLanded } = verdict.stats;
      return {
        ok: true,
        proved: [
          `all ${ORDERS} orders are in the stream exactly once, across ${KILL_AFTER.length} broker SIGKILLs and restarts`,
          `${attempts.unknown + attempts.failed} attempts failed or timed out and were retried; ${unknownLanded} of those had landed and the retry was recognised as a duplicate`,
        ],
      };
    } finally {
      await outages.catch(() => {});
      await Promise.allSettled(conns.map((c) => c.close()));
      await server.dispose();
    }
  },
});
