// What actually happened to an order, read back from the fake services' call logs. Tests and the
// demo both use it, so "which services were called" and "what state is the order in" have one answer.
import { callLog, type CallRecord, type Shop } from '@mq/shared';
import { OPS } from './create-order';

/** The calls made for one order, in the order they started: "service.op outcome". */
export function callList(shop: Shop, orderId: string): string[] {
  return callsFor(shop, orderId).map((c) => `${c.service}.${c.op} ${c.outcome}`);
}

// The flow's own order of operations, to break ties: a call that fails instantly (connection
// refused) starts on the same clock tick as the next one.
const FLOW_ORDER: string[] = [OPS.insert, OPS.deduct, OPS.rollback, OPS.email, OPS.points, OPS.push];

/** The calls for one order in the order they were made. */
export function callsFor(shop: Shop, orderId: string): CallRecord[] {
  return callLog(shop)
    .filter((c) => c.key === orderId)
    .sort((a, b) => a.startedMs - b.startedMs || FLOW_ORDER.indexOf(a.op) - FLOW_ORDER.indexOf(b.op));
}

export interface OrderState {
  /** The order row exists (inserted and not rolled back). */
  orderStored: boolean;
  stockDeducted: boolean;
  emailSent: boolean;
  pointsAdded: boolean;
  pushSent: boolean;
}

export function orderState(shop: Shop, orderId: string): OrderState {
  const calls = callsFor(shop, orderId).filter((c) => c.outcome === 'ok');
  const did = (service: CallRecord['service'], op: string) => calls.some((c) => c.service === service && c.op === op);
  const lastDbWrite = calls.filter((c) => c.service === 'ordersDb').at(-1);
  return {
    orderStored: lastDbWrite?.op === OPS.insert,
    stockDeducted: did('inventory', OPS.deduct),
    emailSent: did('email', OPS.email),
    pointsAdded: did('points', OPS.points),
    pushSent: did('push', OPS.push),
  };
}

/** One row per effect, for printing the state as a table. */
export function stateRows(state: OrderState): { effect: string; state: string }[] {
  const label: Record<keyof OrderState, [string, string]> = {
    orderStored: ['order row', 'stored'],
    stockDeducted: ['stock', 'deducted'],
    emailSent: ['confirmation email', 'sent'],
    pointsAdded: ['loyalty points', 'added'],
    pushSent: ['push notification', 'sent'],
  };
  return (Object.keys(label) as (keyof OrderState)[]).map((k) => ({ effect: label[k][0], state: state[k] ? label[k][1] : `NOT ${label[k][1]}` }));
}
