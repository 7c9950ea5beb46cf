// Last resort before giving up: a throwaway container, but only where a container runtime
// actually answers. Detection is cheap: without a runtime testcontainers fails within ms.
import type { PrivateServer } from './nats-server';

export type ContainerKind = 'nats' | 'redis' | 'postgres';

interface Image {
  image: string;
  port: number;
  cmd?: string[];
  env?: Record<string, string>;
  url: (host: string, port: number) => string;
}

const IMAGES: Record<ContainerKind, Image> = {
  nats: { image: 'nats:2.10-alpine', port: 4222, cmd: ['-js', '-sd', '/data'], url: (h, p) => `nats://${h}:${p}` },
  redis: { image: 'redis:7-alpine', port: 6379, cmd: ['redis-server', '--save', '', '--appendonly', 'no'], url: (h, p) => `redis://${h}:${p}` },
  postgres: { image: 'postgres:16-alpine', port: 5432, env: { POSTGRES_HOST_AUTH_METHOD: 'trust' }, url: (h, p) => `postgres://postgres@${h}:${p}/postgres` },
};

export async function containerRuntimeAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/** Start a container for `kind`; only call after containerRuntimeAvailable() said yes. */
export async function startContainer(kind: ContainerKind): Promise<Pick<PrivateServer, 'url' | 'stop'>> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const spec = IMAGES[kind];
  let c = new GenericContainer(spec.image).withExposedPorts(spec.port);
  if (spec.cmd) c = c.withCommand(spec.cmd);
  if (spec.env) c = c.withEnvironment(spec.env);
  if (kind === 'postgres') c = c.withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2));
  const started = await c.start();
  return {
    url: spec.url(started.getHost(), started.getMappedPort(spec.port)),
    stop: async () => {
      await started.stop();
    },
  };
}
