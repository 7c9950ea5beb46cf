// One private nats-server plus the HTTP service on a free loopback port, for every test file of
// this lesson: each file owns its own pair, so files run in parallel and an outage test only ever
// stops its own broker.
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { startService, type RunningService, type ServiceOptions } from '../src/service';
import { http, type HttpResult } from './http';

export interface ServiceFixture {
  f: NatsFixture;
  svc: RunningService;
  /** One HTTP request to the service. */
  call: (method: string, path: string, body?: unknown, opts?: Parameters<typeof http>[4]) => Promise<HttpResult>;
  /** messages and last_seq of the served stream, read from NATS directly (not through the API). */
  streamState: () => Promise<{ messages: number; last_seq: number }>;
  dispose: () => Promise<void>;
}

export async function serviceFixture(opts: Partial<ServiceOptions> = {}): Promise<ServiceFixture> {
  const f = await privateNats();
  let svc: RunningService;
  try {
    svc = await startService({ port: 0, ...opts, natsUrl: f.url });
  } catch (err) {
    await f.dispose();
    throw err;
  }
  return {
    f,
    svc,
    call: (method, path, body, o) => http(svc.url, method, path, body, o),
    streamState: async () => {
      const { state } = await f.nats.jsm.streams.info(svc.backend.stream);
      return { messages: state.messages, last_seq: state.last_seq };
    },
    dispose: async () => {
      await svc.close();
      await f.dispose();
    },
  };
}
