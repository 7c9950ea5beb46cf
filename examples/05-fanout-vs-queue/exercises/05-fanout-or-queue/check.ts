// The check of 05-fanout-or-queue: a private nats-server with the ORDERS stream, four instances
// (email 1 and 2, analytics 1 and 2), each on its own connection, each creating the consumer the
// learner's consumerFor gives it and pulling one order at a time. Then 20 orders, and the question
// of the lesson: did each service get every order, and exactly one of its instances each?
import { AckPolicy, RetentionPolicy, StorageType, type ConsumerMessages } from '@nats-io/jetstream';
import { connectNats, ensureStream, makeOrder, waitFor, type Nats } from '@mq/shared';
import { PrivateNatsServer } from '@mq/shared/services';
import { defineExercise, describeThrown, importUnderTest } from '@mq/shared/workshop';

type Service = 'email' | 'analytics';
interface UnderTest {
  consumerFor(service: Service, instance: number): { durable_name?: string } & Record<string, unknown>;
}

const STREAM = 'ORDERS';
const SERVICES: Service[] = ['email', 'analytics'];
const INSTANCES = [1, 2];
const ORDERS = 20;

interface Instance {
  service: Service;
  n: number;
  label: string;
  durable: string;
  conn: Nats;
  messages?: ConsumerMessages;
}

const more = (list: string[], what: string) => (list.length > 1 ? `${list[0]} (and ${list.length - 1} more ${what})` : list[0]);

export default defineExercise({
  id: '05-fanout-or-queue',
  title: 'Fan-out between services, a queue within one',
  isolated: true, // private servers only (or none): runs may overlap
  minutes: 10,
  goal: 'Write consumerFor(service, instance): email and analytics each get every order, while the two instances of one service split them.',
  checks: [
    'start a private nats-server with the ORDERS stream (order.*, limits retention)',
    'start 2 services x 2 instances, each on its own connection, each creating the consumer your consumerFor returns and pulling one order at a time',
    `publish ${ORDERS} orders, wait until every consumer has handed out and seen acked all it will`,
    'report any order that never reached a service, and any order that reached both instances of one service',
  ],
  async check(ctx) {
    const m = await importUnderTest<UnderTest>(ctx.modulePath, ['consumerFor']);
    if (!m.ok) return m;
    const configs = new Map<string, Record<string, unknown> & { durable_name?: string }>();
    for (const service of SERVICES) {
      for (const n of INSTANCES) {
        try {
          configs.set(`${service} ${n}`, m.module.consumerFor(service, n));
        } catch (err) {
          return { ok: false, problems: [err instanceof Error && err.name === 'NotWrittenYet' ? describeThrown(err) : `consumerFor('${service}', ${n}) threw ${describeThrown(err)}`] };
        }
      }
    }
    const unnamed = [...configs].filter(([, c]) => typeof c?.durable_name !== 'string' || !c.durable_name);
    if (unnamed.length) {
      return {
        ok: false,
        problems: unnamed.map(([who]) => `consumerFor for ${who.replace(' ', ' instance ')} returned no durable_name: without a name the consumer is not durable, and the instances cannot find the one they share`),
      };
    }

    const server = await PrivateNatsServer.start();
    const instances: Instance[] = [];
    let admin: Nats | undefined;
    try {
      admin = await connectNats(server.url, { name: 'check-05' });
      await ensureStream(admin.jsm, { name: STREAM, subjects: ['order.*'], retention: RetentionPolicy.Limits, storage: StorageType.Memory });
      const got = new Map<string, Map<string, number>>(); // "email 1" -> order id -> deliveries
      for (const service of SERVICES) {
        for (const n of INSTANCES) {
          const label = `${service} ${n}`;
          const config = configs.get(label)!;
          const conn = await connectNats(server.url, { name: `${service}-${n}` });
          const inst: Instance = { service, n, label, durable: config.durable_name!, conn };
          instances.push(inst);
          try {
            await conn.jsm.consumers.add(STREAM, { ack_policy: AckPolicy.Explicit, ...config });
          } catch (err) {
            return { ok: false, problems: [`The server refused the consumer of ${service} instance ${n} (${JSON.stringify(config)}): ${describeThrown(err)}`] };
          }
          got.set(label, new Map());
          const consumer = await conn.js.consumers.get(STREAM, inst.durable);
          inst.messages = await consumer.consume({ max_messages: 1 });
          void (async () => {
            for await (const msg of inst.messages!) {
              const id = (msg.json() as { id?: string }).id ?? `seq ${msg.seq}`;
              const seen = got.get(label)!;
              seen.set(id, (seen.get(id) ?? 0) + 1);
              msg.ack();
            }
          })().catch(() => {});
        }
      }
      ctx.log(`4 instances attached to ${new Set(instances.map((i) => i.durable)).size} consumer(s); publishing ${ORDERS} orders`);
      const ids: string[] = [];
      for (let i = 1; i <= ORDERS; i++) {
        const order = makeOrder(i);
        ids.push(order.id);
        await admin.js.publish('order.created', JSON.stringify(order));
      }
      const durables = [...new Set(instances.map((i) => i.durable))];
      const settled = async () => {
        for (const d of durables) {
          const info = await admin!.jsm.consumers.info(STREAM, d);
          if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
        }
        return true;
      };
      try {
        await waitFor(settled, { timeoutMs: 6_000, intervalMs: 50, what: 'every consumer to hand out all its orders' });
      } catch {
        return { ok: false, problems: [`The consumers still had orders pending or unacked after 6 s: does the config hold back deliveries (max_ack_pending, a filter, a start time)?`] };
      }

      const problems: string[] = [];
      const proved: string[] = [];
      for (const service of SERVICES) {
        const mine = instances.filter((i) => i.service === service);
        const missing: string[] = [];
        const both: string[] = [];
        const twice: string[] = [];
        for (const id of ids) {
          const holders = mine.filter((i) => got.get(i.label)!.has(id));
          if (holders.length === 0) {
            const other = instances.find((i) => i.service !== service && got.get(i.label)!.has(id));
            const shared = other && mine.some((i) => i.durable === other.durable);
            missing.push(
              `${id} never reached ${service}` +
                (shared
                  ? ` (${other.label.replace(' ', ' instance ')} took it: ${service} and ${other.service} share the consumer "${other.durable}", so the services split the orders between them)`
                  : ': a service must see every order'),
            );
          } else if (holders.length > 1) {
            const harm = service === 'email' ? 'the customer gets two emails' : 'the order is counted twice';
            const names = [...new Set(holders.map((h) => `"${h.durable}"`))];
            both.push(
              names.length > 1
                ? `${id} went to both ${service} instances: each instance has its own consumer (${names.join(', ')}), so each keeps its own position and ${harm}`
                : `${id} went to both ${service} instances although they share ${names[0]}: the first did not ack it in time, and ${harm}`,
            );
          } else if (got.get(holders[0].label)!.get(id)! > 1) {
            twice.push(`${id} reached ${holders[0].label.replace(' ', ' instance ')} ${got.get(holders[0].label)!.get(id)} times: an order is handled once per service`);
          }
        }
        if (missing.length) problems.push(more(missing, `orders missed by ${service}`));
        if (both.length) problems.push(more(both, `orders sent to both ${service} instances`));
        if (twice.length) problems.push(more(twice, 'repeated deliveries'));
        if (!missing.length && !both.length && !twice.length) {
          proved.push(`each of the ${ORDERS} orders reached ${service} exactly once (${mine.map((i) => `instance ${i.n}: ${got.get(i.label)!.size}`).join(', ')})`);
        }
      }
      return problems.length ? { ok: false, problems } : { ok: true, proved };
    } finally {
      for (const i of instances) i.messages?.stop();
      await Promise.allSettled([...instances.map((i) => i.conn.close()), admin?.close()]);
      await server.dispose();
    }
  },
});
