// The shop's orders and the task messages the order flow produces.

export interface OrderItem {
  sku: string;
  qty: number;
}

export interface Order {
  id: string;
  userId: number;
  email: string;
  items: OrderItem[];
  points: number;
}

/** The three side effects the story moves out of the request: email, points, push. */
export const TASK_TYPES = ['send_email', 'add_points', 'send_push'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** The JetStream subjects the story publishes those tasks on. */
export const TASK_SUBJECTS: Record<TaskType, string> = {
  send_email: 'order.email',
  add_points: 'order.points',
  send_push: 'order.push',
};

export interface EmailTask { orderId: string; email: string; subject: string }
export interface PointsTask { orderId: string; userId: number; points: number; reason: string }
export interface PushTask { orderId: string; userId: number; message: string }

/** A deterministic order for sequence number `n` (ORD-0001, user 1000+n%50, ...). */
export function makeOrder(n: number, overrides: Partial<Order> = {}): Order {
  const userId = overrides.userId ?? 1000 + (n % 50);
  return {
    id: `ORD-${String(n).padStart(4, '0')}`,
    userId,
    email: `user${userId}@example.com`,
    items: [{ sku: `SKU-${(n % 7) + 1}`, qty: (n % 3) + 1 }],
    points: 100,
    ...overrides,
  };
}

export function emailTask(o: Order): EmailTask {
  return { orderId: o.id, email: o.email, subject: 'Order confirmation' };
}
export function pointsTask(o: Order): PointsTask {
  return { orderId: o.id, userId: o.userId, points: o.points, reason: 'order completed' };
}
export function pushTask(o: Order): PushTask {
  return { orderId: o.id, userId: o.userId, message: 'Your order has been created' };
}

/** The task payload for each task type, as the producer writes it. */
export function tasksFor(o: Order): { type: TaskType; subject: string; payload: EmailTask | PointsTask | PushTask }[] {
  return [
    { type: 'send_email', subject: TASK_SUBJECTS.send_email, payload: emailTask(o) },
    { type: 'add_points', subject: TASK_SUBJECTS.add_points, payload: pointsTask(o) },
    { type: 'send_push', subject: TASK_SUBJECTS.send_push, payload: pushTask(o) },
  ];
}

/** Parse and check a task payload; throws a clear error for malformed input (which a worker must terminate, not retry). */
export function parseTask<T extends object>(raw: string | Uint8Array, required: (keyof T & string)[]): T {
  const text = typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedPayloadError(`payload is not JSON: ${JSON.stringify(text.slice(0, 40))}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedPayloadError('payload is not a JSON object');
  for (const k of required) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) throw new MalformedPayloadError(`payload lacks field "${k}"`);
    if (v === null) throw new MalformedPayloadError(`payload field "${k}" is null`);
  }
  return value as T;
}

/** Input that can never succeed, however often it is retried. */
export class MalformedPayloadError extends Error {
  override name = 'MalformedPayloadError';
}
