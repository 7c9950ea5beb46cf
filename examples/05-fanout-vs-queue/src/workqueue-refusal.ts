// Why this file exists: seed 003's fan-out cannot sit on the story's ORDERS stream as it is. A
// work-queue stream deletes a message at its first ack, so it allows only consumers that do not
// overlap: a second unfiltered consumer is refused (10099) and so is a filter that overlaps
// another consumer's (10100). This tries both on a scratch work-queue stream and reports.
import { ensureDurable, ensureStream, isApiError } from '@mq/shared';
import { RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';

export interface Attempt {
  consumer: string;
  filter: string;
  ok: boolean;
  code?: number;
  error?: string;
}

export async function tryFanoutOnWorkQueue(jsm: JetStreamManager, stream: string, prefix: string): Promise<Attempt[]> {
  await ensureStream(jsm, { name: stream, subjects: [`${prefix}.>`], storage: StorageType.Memory, retention: RetentionPolicy.Workqueue, max_bytes: 16 * 1024 * 1024 });
  const plan: { consumer: string; filter?: string }[] = [
    { consumer: 'fanout-A' },
    { consumer: 'fanout-B' },
    { consumer: 'fanout-C', filter: `${prefix}.email` },
  ];
  const attempts: Attempt[] = [];
  for (const p of plan) {
    try {
      await ensureDurable(jsm, stream, p.consumer, p.filter ? { filterSubject: p.filter } : {});
      attempts.push({ consumer: p.consumer, filter: p.filter ?? '(none)', ok: true });
    } catch (err) {
      const code = [10099, 10100].find((c) => isApiError(err, c));
      if (code === undefined) throw err;
      attempts.push({ consumer: p.consumer, filter: p.filter ?? '(none)', ok: false, code, error: (err as Error).message });
    }
  }
  return attempts;
}
