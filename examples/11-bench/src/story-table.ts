// The story's comparison table (seed 001), reproduced beside our measurement so a reader sees
// which claims this machine can check (Redis, Postgres-as-queue, NATS) and which it cannot (Kafka, RabbitMQ).
export const STORY_CLAIMS = [
  { system: 'NATS', throughput: '100K+ msg/s', latency: '<5 ms', persistence: 'JetStream', ack: 'manual ack' },
  { system: 'Kafka', throughput: '1M+ msg/s', latency: '~50 ms', persistence: 'disk log', ack: 'offsets' },
  { system: 'RabbitMQ', throughput: '20K msg/s', latency: '~10 ms', persistence: 'optional', ack: 'ack' },
  { system: 'Redis', throughput: '100K ops/s', latency: '<1 ms', persistence: 'AOF (partial)', ack: 'none (lists)' },
];
