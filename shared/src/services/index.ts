// Private servers and the process plumbing behind them: what tests, drills that kill a broker and
// the bench import. Lessons' narrated code uses '@mq/shared' instead.
export { startProcess, stopProcess, findBinary, freePort, tcpReachable, withFreshPorts } from './process';
export type { StartedProcess } from './process';
export { ManagedProcess } from './managed-process';
export type { PrivateServer } from './managed-process';
export { natsServerBinary, PrivateNatsServer } from './nats-server';
export type { PrivateNatsOptions } from './nats-server';
export { redisServerBinary, PrivateRedisServer } from './redis-server';
export type { PrivateRedisOptions } from './redis-server';
export { createPrivateDatabase, postgresBinDir, PrivatePostgresCluster } from './postgres';
export type { PrivateDatabase } from './postgres';
export { PrivateNatsCluster } from './nats-cluster';
export type { ClusterNode, PrivateNatsClusterOptions, JszMeta } from './nats-cluster';
export { containerRuntimeAvailable, startContainer } from './containers';
export type { ContainerKind } from './containers';
// The full resolution (env URL, default port, private server, container) for tools that ask what a
// lesson would get (pnpm doctor); lessons use resolveNats / resolveRedis / resolveDatabase.
export { resolveService } from './resolve';
export { natsBinaryVersion } from './nats-version';
// How tests and demos start one of this repo's TypeScript programs as a child process.
export { programArgv } from './program';
