// Wire the NATS backend and the HTTP API together and listen. Used by the server CLI, the demo
// and the tests alike, so all three run exactly the same service.
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApi, type ApiOptions } from './api';
import { Backend, type BackendOptions } from './backend';

export interface ServiceOptions extends BackendOptions, ApiOptions {
  natsUrl: string;
  /** Interface to listen on (default 127.0.0.1: loopback only; 0.0.0.0 exposes the API to the network). */
  host?: string;
  /** TCP port (default 8080; 0 = any free port). */
  port?: number;
}

export interface RunningService {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  host: string;
  port: number;
  app: FastifyInstance;
  backend: Backend;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;

/** Another process (often a second `serve`) already listens on the port. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(host: string, port: number) {
    super(`port ${port} on ${host} is already in use (another 09 serve still running?): stop that one, or pick another port with --port ${port + 1}`);
  }
}

export async function startService(opts: ServiceOptions): Promise<RunningService> {
  const backend = await Backend.open(opts.natsUrl, opts);
  const app = buildApi(backend, opts);
  try {
    await app.listen({ host: opts.host ?? DEFAULT_HOST, port: opts.port ?? DEFAULT_PORT });
  } catch (err) {
    await backend.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(opts.host ?? DEFAULT_HOST, opts.port ?? DEFAULT_PORT);
    throw err;
  }
  const addr = app.server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}`,
    host: addr.address,
    port: addr.port,
    app,
    backend,
    close: async () => {
      await app.close(); // stop accepting, finish in-flight requests
      await backend.close();
    },
  };
}
