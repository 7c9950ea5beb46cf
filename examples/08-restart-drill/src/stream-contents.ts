// Read a stream back message by message and list the order ids it holds, so "no duplicate
// landed" is checked against what is stored, not against what the publisher believes.
import type { JetStreamManager } from '@nats-io/jetstream';

export async function storedOrderIds(jsm: JetStreamManager, stream: string): Promise<string[]> {
  const { state } = await jsm.streams.info(stream);
  const ids: string[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    if (m) ids.push(m.json<{ orderId: string }>().orderId);
  }
  return ids;
}

/** How many times each id occurs; only ids occurring more than once. */
export function duplicatesIn(ids: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return new Map([...counts].filter(([, n]) => n > 1));
}
