// The lesson API: what a lesson's own code imports. Private servers and process plumbing live in
// '@mq/shared/services'; test fixtures in '@mq/shared/testing'. Keep this list small: a name earns
// its place here when two or more lessons need it.
export { DEFAULTS, defaultNatsUrl, defaultRedisUrl, defaultPostgresUrl, defaultAmqpUrl } from './config';
export { waitFor, delay, withTimeout } from './wait';
export type { WaitOptions } from './wait';
export { STORY, realTimingsRequested, timings } from './timing';
export type { StoryTiming, Timings } from './timing';
export { createOutput, formatTimeline, ms } from './output';
export type { Cell, Output, TimelineEvent } from './output';
export { UsageError, HelpRequested, parseFlags, intFlag, rateValue, runMain } from './cli';
export type { Options } from './cli';
export { connectNats, connectRedis, pgPool } from './connect';
export type { Nats } from './connect';
export { ORDERS, ordersStreamConfig, ensureStream, deleteStreamIfExists, ensureDurable, publishJson, isApiError } from './orders-stream';
export type { DurableOptions } from './orders-stream';
export { ServiceUnavailableError, resolveDatabase, resolveNats, resolveRabbit, resolveRedis, serverVersion } from './services/resolve';
export type { ServiceKind, ServiceSource, ResolvedService, ResolveOptions } from './services/resolve';
export { TASK_TYPES, TASK_SUBJECTS, makeOrder, emailTask, pointsTask, pushTask, tasksFor, parseTask, MalformedPayloadError } from './shop/order';
export type { OrderItem, Order, TaskType, EmailTask, PointsTask, PushTask } from './shop/order';
export { STORY_LATENCY_MS, SERVICE_NAMES, ServiceError, FakeService, createShop, callLog } from './shop/downstream';
export type { ServiceName, Fault, CallRecord, Shop } from './shop/downstream';
export { InvalidNameError, validateConsumerName } from './worker/names';
export { DEFAULT_BACKOFF, backoffDelay } from './worker/backoff';
export type { BackoffOptions } from './worker/backoff';
export { PullWorker } from './worker/pull-worker';
export { InflightWindow } from './worker/inflight-window';
export type { HandlerResult, Handler, WorkerEvent, PullWorkerOptions, WorkerStats } from './worker/pull-worker';
export { BackgroundLoop } from './background-loop';
export { seededRandom, hashUnit } from './random';
export { lessonScope, cleanupOnExit, scopedNames, SCOPED_STREAM, SCOPED_KEY, SCOPED_DATABASE } from './scope';
export type { LessonScope } from './scope';
export { parseVersion, versionAtLeast, natsServerVersion } from './server-version';
export {
  ConsoleReporter, consoleReporter, consoleEventSubject, consoleHook, defaultLessonName, reportToConsole,
  CONSOLE_PRESENCE_SUBJECT, CONSOLE_PING_SUBJECT, CONSOLE_EVENTS_WILDCARD, PRESENCE_INTERVAL_MS, PRESENCE_TTL_MS,
} from './console-events';
export type { ConsoleEvent, ConsoleEventInput, ConsoleEventKind, ConsoleHook } from './console-events';
