// Read back every message id the stream holds, for the checker: an ordered consumer (ephemeral,
// in memory, flow-controlled) walks the stream from the first sequence to the last.
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';

export async function storedMessageIds(js: JetStreamClient, jsm: JetStreamManager, stream: string, timeoutMs = 10_000): Promise<string[]> {
  const { state } = await jsm.streams.info(stream);
  const ids: string[] = [];
  if (state.messages === 0) return ids;
  const consumer = await js.consumers.get(stream);
  const deadline = performance.now() + timeoutMs;
  let lastSeq = 0;
  while (lastSeq < state.last_seq) {
    if (performance.now() > deadline) throw new Error(`read ${ids.length} of ${state.messages} messages of ${stream} before the deadline`);
    // Ask for exactly what is left, so the last fetch completes at once instead of waiting out its expiry.
    const batch = await consumer.fetch({ max_messages: Math.min(500, Math.max(1, state.messages - ids.length)), expires: 2_000 });
    for await (const m of batch) {
      ids.push(m.headers?.get('Nats-Msg-Id') ?? `(no id, seq ${m.seq})`);
      lastSeq = m.seq;
    }
  }
  return ids;
}
