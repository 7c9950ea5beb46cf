// What puts email tasks on the queue: the shop's orders as JSON on l12.order.email, in parallel
// chunks (a sale burst arrives all at once).
import { makeOrder, publishJson } from '@mq/shared';
import type { JetStreamClient } from '@nats-io/jetstream';
import { NAMES } from './setup';

export async function publishOrders(js: JetStreamClient, from: number, count: number, email?: (n: number) => string): Promise<void> {
  const chunk = 100;
  for (let i = 0; i < count; i += chunk) {
    const ns = Array.from({ length: Math.min(chunk, count - i) }, (_, k) => from + i + k);
    await Promise.all(ns.map((n) => publishJson(js, NAMES.subject, makeOrder(n, email ? { email: email(n) } : {}))));
  }
}
