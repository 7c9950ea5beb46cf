// A private JetStream cluster that a test or demo owns: N nats-server processes on loopback,
// routed to each other, each with its own client, cluster and monitoring port and its own store
// directory, so one node can be SIGKILLed and later restarted on the same data. Lesson-neutral:
// anything about replication, leader election or failover can build on it.
//   import { PrivateNatsCluster } from '@mq/shared/services/nats-cluster';
import { waitFor } from '../wait';
import { PrivateNatsServer } from './nats-server';
import { freePort, withFreshPorts } from './process';

export interface ClusterNode {
  /** The server name (`--server_name`), which JetStream reports as leader / replica names. */
  readonly name: string;
  readonly server: PrivateNatsServer;
  /** Client URL of this node. */
  readonly url: string;
  readonly clusterPort: number;
  /** HTTP monitoring port (/varz, /jsz, /healthz). */
  readonly monitorPort: number;
}

export interface PrivateNatsClusterOptions {
  /** Number of nodes (default 3: the smallest cluster that survives losing one). */
  size?: number;
  /** `--cluster_name` (default "C"). */
  name?: string;
  /** Server names (default n1, n2, ...). */
  nodeNames?: string[];
}

/** The part of a node's /jsz answer that tells who leads the JetStream meta group. */
export interface JszMeta {
  server_name?: string;
  meta_cluster?: { name?: string; leader?: string; cluster_size?: number };
}

export class PrivateNatsCluster {
  private constructor(
    readonly name: string,
    readonly nodes: readonly ClusterNode[],
  ) {}

  static async start(opts: PrivateNatsClusterOptions = {}): Promise<PrivateNatsCluster> {
    const size = opts.size ?? 3;
    const names = opts.nodeNames ?? Array.from({ length: size }, (_, i) => `n${i + 1}`);
    if (names.length !== size) throw new RangeError(`nodeNames has ${names.length} names for ${size} nodes`);
    const clusterName = opts.name ?? 'C';
    // Every node must know every other node's route port before it starts, so ports are chosen up
    // front; if a parallel test grabs one of them first, the whole set is tried again.
    const nodes = await withFreshPorts(async () => {
      const ports = await Promise.all(
        names.map(async () => ({ client: await freePort(), cluster: await freePort(), monitor: await freePort() })),
      );
      const route = (i: number) => `nats://127.0.0.1:${ports[i].cluster}`;
      const started = await Promise.allSettled(
        names.map((name, i) =>
          PrivateNatsServer.start({
            port: ports[i].client,
            args: [
              '--server_name', name,
              '-m', String(ports[i].monitor),
              '--cluster_name', clusterName,
              '--cluster', route(i),
              '--routes', names.map((_, j) => j).filter((j) => j !== i).map(route).join(','),
            ],
          }),
        ),
      );
      const failed = started.find((r) => r.status === 'rejected');
      if (failed) {
        await Promise.allSettled(started.map((r) => (r.status === 'fulfilled' ? r.value.dispose() : undefined)));
        throw (failed as PromiseRejectedResult).reason;
      }
      const nodes: ClusterNode[] = started.map((r, i) => {
        const server = (r as PromiseFulfilledResult<PrivateNatsServer>).value;
        return { name: names[i], server, url: server.url, clusterPort: ports[i].cluster, monitorPort: ports[i].monitor };
      });
      return nodes;
    });
    return new PrivateNatsCluster(clusterName, nodes);
  }

  /** All client URLs; `first` (a node name) goes first, for clients that should prefer it (noRandomize). */
  urls(first?: string): string[] {
    const ordered = first ? [this.node(first), ...this.nodes.filter((n) => n.name !== first)] : [...this.nodes];
    return ordered.map((n) => n.url);
  }

  node(name: string): ClusterNode {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node named "${name}" in cluster ${this.name} (nodes: ${this.nodes.map((x) => x.name).join(', ')})`);
    return n;
  }

  /** The node whose client URL is `url` (the server a connection is using). */
  nodeByUrl(url: string): ClusterNode | undefined {
    const port = Number(url.split(':').pop());
    return this.nodes.find((n) => n.server.port === port);
  }

  get running(): ClusterNode[] {
    return this.nodes.filter((n) => n.server.running);
  }

  /** GET a monitoring endpoint of one node, e.g. jsz(node) for /jsz. */
  async monitor<T>(node: ClusterNode, path: string, timeoutMs = 1_000): Promise<T> {
    const res = await fetch(`http://127.0.0.1:${node.monitorPort}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`${node.name} ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  /** Who leads the JetStream meta group, according to every running node; undefined while they disagree or none is elected. */
  async metaLeader(): Promise<string | undefined> {
    const answers = await Promise.all(this.running.map((n) => this.monitor<JszMeta>(n, '/jsz').then((j) => j.meta_cluster?.leader ?? '')));
    const leader = answers[0];
    return leader && answers.every((a) => a === leader) ? leader : undefined;
  }

  /** Wait until all running nodes agree on a meta leader (JetStream can then create streams); returns its name. */
  async waitForMetaLeader(timeoutMs = 20_000): Promise<string> {
    return waitFor(() => this.metaLeader(), { timeoutMs, intervalMs: 50, what: `a JetStream meta leader in cluster ${this.name}` });
  }

  /** Stop every node and delete every store directory. */
  async dispose(): Promise<void> {
    await Promise.allSettled(this.nodes.map((n) => n.server.dispose()));
  }
}
