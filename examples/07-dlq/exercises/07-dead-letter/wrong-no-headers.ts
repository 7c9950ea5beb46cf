// wrong: copies the payload to the DLQ and nothing else; nobody can tell later where it came from or why it died
// expect: has no Dlq-Original-Subject header
import type { HandlerResult } from '@mq/shared';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';

export const HEADERS = { originalSubject: 'Dlq-Original-Subject', reason: 'Dlq-Reason', deliveries: 'Dlq-Delivery-Count' } as const;

export interface FailureContext {
  js: JetStreamClient;
  maxDeliveries: number;
  dlqSubject: string;
}

export async function onFailure(msg: JsMsg, _error: Error, ctx: FailureContext): Promise<HandlerResult> {
  if (msg.info.deliveryCount < ctx.maxDeliveries) return { nak: true, delayMs: 100 };
  await ctx.js.publish(ctx.dlqSubject, msg.data);
  return 'term';
}
