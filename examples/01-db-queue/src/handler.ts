// What a worker does with a task: call the shop's email, points or push service. Both workers
// (the seed's naive one and the fixed one) take the same handler, so the lessons compare the
// queue mechanics and nothing else. The fake services record every call, which is how the tests
// see a task processed twice, or not at all.
import type { Shop } from '@mq/shared';
import type { TaskRow } from './setup';

export type TaskHandler = (task: TaskRow) => Promise<void>;

/** Dispatch on task_type to the shop's fakes; the service key is the order id. */
export function shopHandler(shop: Shop): TaskHandler {
  return async (task) => {
    const orderId = String(task.payload.orderId ?? `task-${task.id}`);
    switch (task.task_type) {
      case 'send_email':
        return shop.email.call('send', orderId);
      case 'add_points':
        return shop.points.call('add', orderId);
      case 'send_push':
        return shop.push.call('send', orderId);
      default:
        throw new Error(`unknown task type "${task.task_type}"`);
    }
  };
}
