// Why this file exists: what main.ts hands every scene's narration: the output, the server, the
// timings, and the list of worker groups still stopping (the demo waits for them before cleanup).
import type { Output, Timings } from '@mq/shared';

export interface DemoContext {
  out: Output;
  url: string;
  t: Timings;
  pending: Promise<unknown>[];
}
