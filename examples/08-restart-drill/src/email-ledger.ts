// The email worker's memory of what it already did, keyed by order id. JetStream delivers at
// least once: a message whose ack was lost in an outage comes back, and the worker must not send
// that email twice. The ledger counts every delivery but lets the email go out once per order.
export class EmailLedger {
  /** Deliveries per order id (what JetStream handed over). */
  readonly deliveries = new Map<string, number>();
  /** Order ids whose email went out, in the order it went out. */
  readonly sent: string[] = [];
  private readonly done = new Set<string>();

  /** Record a delivery; true if the email must be sent now, false for a repeat of a sent one. */
  deliver(orderId: string): boolean {
    this.deliveries.set(orderId, (this.deliveries.get(orderId) ?? 0) + 1);
    if (this.done.has(orderId)) return false;
    this.done.add(orderId);
    this.sent.push(orderId);
    return true;
  }

  /** Distinct orders whose email was sent. */
  get distinct(): number {
    return this.done.size;
  }

  get totalDeliveries(): number {
    let n = 0;
    for (const c of this.deliveries.values()) n += c;
    return n;
  }

  /** Orders handed over again after their email was sent (each repeat was recognised and skipped). */
  repeats(): { orderId: string; deliveries: number }[] {
    return [...this.deliveries].filter(([, n]) => n > 1).map(([orderId, deliveries]) => ({ orderId, deliveries }));
  }
}
