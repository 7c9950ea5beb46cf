// Why this file exists: what main.ts hands every scene of the demo.
import type { Nats, Output, Timings } from '@mq/shared';

export interface SceneContext {
  out: Output;
  nats: Nats;
  /** A new connection per receiver, as if each were its own process. */
  connect(name: string): Promise<Nats>;
  /** Size of the second burst (--messages). */
  burst: number;
  t: Timings;
}
