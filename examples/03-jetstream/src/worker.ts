// Why this file exists: chapter 03's consumer loop, written out with @nats-io/jetstream and nothing
// in between: fetch from a durable, let the handler decide, then ack (and wait for the server to
// confirm it), nak with a delay, or term; while a slow handler runs, tell the server it is still
// working so AckWait does not run out under it. From lesson 04 on, the shared PullWorker is this
// same loop made reusable.
import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { delay } from '@mq/shared';
import type { Decision, TaskHandler } from './handler';
import { STREAM } from './setup';

export interface TaskWorkerOptions {
  js: JetStreamClient;
  /** The durable consumer to read (email-worker, points-worker, push-worker). */
  consumer: string;
  handler: TaskHandler;
  /** Messages per fetch (default 1: a message waiting in a client-side batch is already on its AckWait clock). */
  batch?: number;
  /** Send working() while the handler runs (default true); false shows what happens without it. */
  sayWorking?: boolean;
  /** Called when something goes wrong outside the handler (a fetch or an ack the server did not confirm). */
  onError?: (what: string) => void;
}

export interface TaskWorkerStats {
  acked: number;
  naked: number;
  termed: number;
  /** working() signals sent for slow handlers. */
  working: number;
  /** Acks whose confirmation never came: the server may deliver that message again. */
  ackErrors: number;
}

export class TaskWorker {
  readonly stats: TaskWorkerStats = { acked: 0, naked: 0, termed: 0, working: 0, ackErrors: 0 };
  private running = false;
  private busy = false;
  private loop?: Promise<void>;
  private messages?: ConsumerMessages;

  constructor(private readonly opts: TaskWorkerOptions) {}

  start(): this {
    this.running = true;
    this.loop = this.run();
    return this;
  }

  /** Stop fetching, finish the message in hand, then resolve. An idle fetch is cut short. */
  async stop(): Promise<void> {
    this.running = false;
    if (!this.busy) this.messages?.stop();
    await this.loop;
  }

  // #region look-fetch-loop
  private async run(): Promise<void> {
    let consumer: Consumer | undefined;
    while (this.running) {
      try {
        consumer ??= await this.opts.js.consumers.get(STREAM, this.opts.consumer);
        // Ask for up to `batch` messages; the server starts each one's AckWait when it sends it.
        this.messages = await consumer.fetch({ max_messages: this.opts.batch ?? 1, expires: 1_000 });
        if (!this.running) this.messages.stop();
        for await (const msg of this.messages) {
          this.busy = true;
          await this.handle(msg, ackWaitOf(await consumer.info(true)));
          this.busy = false;
          if (!this.running) this.messages.stop();
        }
      } catch (err) {
        this.busy = false;
        consumer = undefined; // the consumer may have been deleted: look it up again
        if (this.running) this.opts.onError?.(`fetch failed: ${(err as Error).message}; retrying in 500 ms`);
        if (this.running) await delay(500);
      }
    }
  }
  // #endregion look-fetch-loop

  // #region look-settle
  private async handle(msg: JsMsg, ackWaitMs: number): Promise<void> {
    // A handler slower than AckWait would get its message redelivered to another worker while it
    // still works on it. working() ("+WPI") restarts the server's AckWait clock for this message.
    const heartbeat = this.opts.sayWorking === false ? undefined : setInterval(() => {
      msg.working();
      this.stats.working += 1;
    }, ackWaitMs / 2);
    let decision: Decision;
    try {
      decision = await this.opts.handler(msg);
    } catch (err) {
      decision = { do: 'nak', delayMs: 0, why: `handler threw: ${(err as Error).message}` };
    } finally {
      clearInterval(heartbeat);
    }
    if (decision.do === 'ack') {
      try {
        await msg.ackAck(); // the server confirms the ack: on a work-queue stream the message is gone
        this.stats.acked += 1;
      } catch (err) {
        this.stats.ackErrors += 1; // the work is done, the ack unconfirmed: it may come back (see exactly-once)
        this.opts.onError?.(`ack of seq ${msg.seq} not confirmed: ${(err as Error).message}`);
      }
    } else if (decision.do === 'nak') {
      msg.nak(decision.delayMs); // redeliver, no earlier than delayMs from now
      this.stats.naked += 1;
    } else {
      msg.term(); // never again (nats-server 2.9 ignores term("reason"), so the reason stays in our log)
      this.stats.termed += 1;
    }
  }
  // #endregion look-settle
}

function ackWaitOf(info: { config: { ack_wait?: number } }): number {
  return Math.round((info.config.ack_wait ?? 30e9) / 1e6); // the server keeps nanoseconds; default 30 s
}
