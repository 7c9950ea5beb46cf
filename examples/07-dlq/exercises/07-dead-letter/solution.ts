// Reference solution of 07-dead-letter: nak with a delay until the last allowed delivery, then
// publish the dead letter (payload and headers), wait for the DLQ's PubAck, and term.
import type { HandlerResult } from '@mq/shared';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';

export const HEADERS = { originalSubject: 'Dlq-Original-Subject', reason: 'Dlq-Reason', deliveries: 'Dlq-Delivery-Count' } as const;

export interface FailureContext {
  js: JetStreamClient;
  maxDeliveries: number;
  dlqSubject: string;
}

export async function onFailure(msg: JsMsg, error: Error, ctx: FailureContext): Promise<HandlerResult> {
  const delivery = msg.info.deliveryCount;
  if (delivery < ctx.maxDeliveries) return { nak: true, delayMs: 100 };
  const h = headers();
  h.set(HEADERS.originalSubject, msg.subject);
  h.set(HEADERS.reason, `${error.name}: ${error.message}`);
  h.set(HEADERS.deliveries, String(delivery));
  // Only once the DLQ stream has confirmed it is the original ended; if this throws, the worker naks.
  await ctx.js.publish(ctx.dlqSubject, msg.data, { headers: h, msgID: `dlq:${msg.info.stream}:${msg.seq}` });
  return { term: true, reason: 'retries-exhausted' };
}
