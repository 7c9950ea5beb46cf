// wrong: sends every failure to the DLQ at once; a relay hiccup would dead-letter orders a retry would have saved
// expect: dead-lettered after delivery 1
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
  const h = headers();
  h.set(HEADERS.originalSubject, msg.subject);
  h.set(HEADERS.reason, `${error.name}: ${error.message}`);
  h.set(HEADERS.deliveries, String(msg.info.deliveryCount));
  await ctx.js.publish(ctx.dlqSubject, msg.data, { headers: h });
  return 'term';
}
