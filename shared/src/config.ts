// The default local addresses of the four services. docker-compose.yml binds the same
// ports (a test checks they agree), so "docker compose up -d" and a local install look alike.
export const DEFAULTS = {
  nats: { host: '127.0.0.1', port: 4222, monitorPort: 8222, envVar: 'NATS_URL', composeService: 'nats' },
  redis: { host: '127.0.0.1', port: 6379, envVar: 'REDIS_URL', composeService: 'redis' },
  postgres: {
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    database: 'postgres',
    envVar: 'DATABASE_URL',
    composeService: 'postgres',
  },
  rabbitmq: { host: '127.0.0.1', port: 5672, user: 'guest', password: 'guest', envVar: 'AMQP_URL', composeService: 'rabbitmq' },
} as const;

export const defaultNatsUrl = `nats://${DEFAULTS.nats.host}:${DEFAULTS.nats.port}`;
export const defaultRedisUrl = `redis://${DEFAULTS.redis.host}:${DEFAULTS.redis.port}`;
const pgDefaults = DEFAULTS.postgres;
export const defaultPostgresUrl = `postgres://${pgDefaults.user}@${pgDefaults.host}:${pgDefaults.port}/${pgDefaults.database}`;
const amqp = DEFAULTS.rabbitmq;
export const defaultAmqpUrl = `amqp://${amqp.user}:${amqp.password}@${amqp.host}:${amqp.port}`;
