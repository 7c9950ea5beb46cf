// nats-server's own HTTP monitoring endpoint (started with `-m 8222`): the same numbers the
// client API gives, read without a NATS connection, which is what Prometheus exporters and
// dashboards scrape. /jsz has streams and consumers, /varz the server, /connz every connection.

export interface JszConsumer {
  name: string;
  num_pending: number;
  num_ack_pending: number;
  num_redelivered: number;
  ack_floor: { stream_seq: number };
  delivered: { stream_seq: number };
}

interface Jsz {
  account_details?: { stream_detail?: { name: string; state: { messages: number; bytes: number }; consumer_detail?: JszConsumer[] }[] }[];
}

async function getJson<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(2_000) });
  if (!res.ok) throw new Error(`${base}${path} answered HTTP ${res.status}`);
  return (await res.json()) as T;
}

// #region look-jsz
/** A stream and its consumers as the server's monitoring port reports them (GET /jsz). */
export async function jszStream(monitorUrl: string, stream: string) {
  const jsz = await getJson<Jsz>(monitorUrl, '/jsz?accounts=true&streams=true&consumers=true');
  const detail = (jsz.account_details ?? []).flatMap((a) => a.stream_detail ?? []).find((s) => s.name === stream);
  if (!detail) throw new Error(`/jsz does not list stream ${stream}`);
  return { messages: detail.state.messages, bytes: detail.state.bytes, consumers: detail.consumer_detail ?? [] };
}

/** The server as a whole (GET /varz) and its connections by name (GET /connz). */
export async function serverView(monitorUrl: string) {
  const varz = await getJson<{ connections: number; in_msgs: number; out_msgs: number; mem: number; slow_consumers: number }>(monitorUrl, '/varz');
  const connz = await getJson<{ connections: { name?: string; pending_bytes: number; subscriptions: number; in_msgs: number }[] }>(monitorUrl, '/connz?subs=1');
  return { varz, connections: connz.connections };
}
// #endregion look-jsz

/** Does something answer on this monitoring URL? */
export async function monitorAnswers(monitorUrl: string): Promise<boolean> {
  try {
    await getJson(monitorUrl, '/varz');
    return true;
  } catch {
    return false;
  }
}
