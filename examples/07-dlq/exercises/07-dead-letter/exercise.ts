// Exercise 07-dead-letter: decide what happens to a delivery whose handler failed. Retry it later,
// or, once it has failed on its maxDeliveries-th delivery, dead-letter it: publish it to its
// `.dlq` subject with headers saying where it came from and why it died, then end it.
// Check it with `pnpm verify 07-dead-letter`; hints with `pnpm hint 07-dead-letter`.
import type { HandlerResult } from '@mq/shared';
import { NotWrittenYet } from '@mq/shared/workshop';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';

/** Header names the DLQ and the redrive tool read (lesson 07's src/dead-letter.ts). */
export const HEADERS = {
  originalSubject: 'Dlq-Original-Subject',
  reason: 'Dlq-Reason',
  deliveries: 'Dlq-Delivery-Count',
} as const;

export interface FailureContext {
  js: JetStreamClient;
  /** The delivery whose failure sends the message to the DLQ (the story: 4, i.e. 3 retries). */
  maxDeliveries: number;
  /** Where this message's dead letter goes, e.g. l07.order.email.dlq. */
  dlqSubject: string;
}

/**
 * Called when the handler threw `error` for `msg`. Return what the worker does with the message:
 * `{ nak: true, delayMs }` to retry later, `{ term: true, reason }` (or 'term') to end it.
 */
export async function onFailure(_msg: JsMsg, _error: Error, _ctx: FailureContext): Promise<HandlerResult> {
  throw new NotWrittenYet('onFailure: retry, or dead-letter with headers and end the message');
}
