// The HTTP API of seed 000 on fastify: publish a message, inspect the stream, inspect a consumer,
// and a health check that says whether a POST can work right now. Failures and their status codes
// are in errors.ts; the limits a request must keep (body size, nesting depth, timeouts) in limits.ts.
import http from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { NotFoundError, UnavailableError, type Backend } from './backend';
import { errorHandler, fail } from './errors';
import { DEFAULT_TIMEOUTS, MAX_DATA_DEPTH, nestedDeeperThan, type HttpTimeouts } from './limits';
import { consumerParamsSchema, publishSchema, streamParamsSchema } from './schemas';
import { checkPublishSubject } from './subjects';

export interface ApiOptions {
  /** Largest accepted request body in bytes (default 64 KiB; larger -> 413). */
  bodyLimit?: number;
  /** Request, headers, keep-alive and idle timeouts (defaults in limits.ts). */
  timeouts?: Partial<HttpTimeouts>;
  /** One line per request, e.g. for the server's console. */
  log?: (line: string) => void;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;

interface PublishBody {
  subject: string;
  data: Record<string, unknown>;
  message_id?: string;
}

export function buildApi(backend: Backend, opts: ApiOptions = {}): FastifyInstance {
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const app = Fastify({
    bodyLimit,
    // fastify's defaults would turn {"subject": 123} into "123" and silently drop unknown fields; we want both refused.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    // Our own node server, because only its constructor takes connectionsCheckingInterval: without it node
    // checks the request and headers timeouts every 30 s, and a slow client keeps its connection that much longer.
    serverFactory: (handler) => {
      const server = http.createServer(
        {
          requestTimeout: t.requestMs,
          headersTimeout: t.headersMs,
          keepAliveTimeout: t.keepAliveMs,
          connectionsCheckingInterval: t.checkEveryMs,
        },
        handler,
      );
      server.setTimeout(t.idleMs); // no traffic at all for this long: destroy the socket
      return server;
    },
  });

  app.removeContentTypeParser('text/plain'); // JSON only: anything else is 415, not a string the schema then refuses

  if (opts.log) {
    const log = opts.log;
    app.addHook('onResponse', async (req, reply) => log(`${req.method} ${req.url} -> ${reply.statusCode} (${reply.elapsedTime.toFixed(1)} ms)`));
  }
  app.setErrorHandler(errorHandler(bodyLimit, opts.log));
  app.setNotFoundHandler((req, reply) => reply.code(404).send(fail('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));

  // #region look-publish
  app.post<{ Body: PublishBody; Headers: { 'nats-msg-id'?: string } }>('/api/v1/messages', { schema: publishSchema }, async (req, reply) => {
    const { subject, data, message_id: fieldId } = req.body; // the schema already refused missing fields and wrong types
    const headerId = req.headers['nats-msg-id'];
    if (headerId && fieldId && headerId !== fieldId) {
      const why = `"message_id" ("${fieldId}") differs from the Nats-Msg-Id header ("${headerId}"); send one of them`;
      return reply.code(400).send(fail('invalid_field', why, 'message_id'));
    }
    const check = checkPublishSubject(subject, backend.subjects, backend.stream); // the allow-list: see subjects.ts
    if (!check.ok) return reply.code(400).send(fail('subject_not_allowed', check.reason, 'subject'));
    if (nestedDeeperThan(data, MAX_DATA_DEPTH)) {
      return reply.code(400).send(fail('too_deep', `"data" is nested deeper than ${MAX_DATA_DEPTH} levels`, 'data'));
    }
    const msgId = headerId ?? fieldId;
    const r = await backend.publish(subject, data, msgId); // resolves on the PubAck: JetStream has stored it
    const answer = { success: true, stream: r.stream, sequence: r.sequence, duplicate: r.duplicate, timestamp: new Date().toISOString() };
    if (!r.duplicate) return reply.code(201).send(answer);
    const window = `${backend.duplicateWindowMs / 1000} s`;
    const message = `not stored again: message id "${msgId}" was already stored as sequence ${r.sequence} within the last ${window}`;
    return reply.code(200).send({ ...answer, message });
  });
  // #endregion look-publish

  app.get<{ Params: { name: string } }>('/api/v1/streams/:name', { schema: streamParamsSchema }, async (req, reply) => {
    const { name } = req.params;
    if (name !== backend.stream) return reply.code(404).send(notServed(name, backend.stream));
    const info = await backend.streamInfo();
    return {
      stream: info.config.name,
      subjects: info.config.subjects ?? [],
      messages: info.state.messages,
      bytes: info.state.bytes,
      first_seq: info.state.first_seq,
      last_seq: info.state.last_seq,
      consumer_count: info.state.consumer_count,
    };
  });

  const consumerRoute = '/api/v1/consumers/:stream/:consumer';
  app.get<{ Params: { stream: string; consumer: string } }>(consumerRoute, { schema: consumerParamsSchema }, async (req, reply) => {
    const { stream, consumer } = req.params;
    if (stream !== backend.stream) return reply.code(404).send(notServed(stream, backend.stream));
    try {
      const info = await backend.consumerInfo(consumer);
      return {
        stream: info.stream_name,
        consumer: info.name,
        num_pending: info.num_pending,
        num_ack_pending: info.num_ack_pending,
        num_redelivered: info.num_redelivered,
        delivered: { consumer_seq: info.delivered.consumer_seq, stream_seq: info.delivered.stream_seq },
      };
    } catch (err) {
      if (err instanceof NotFoundError) return reply.code(404).send(fail('not_found', `consumer "${consumer}" not found on stream ${stream}`));
      throw err;
    }
  });

  // Healthy = a POST can be stored now: NATS connected *and* the stream there (it may be removed under a running service).
  app.get('/healthz', async (_req, reply) => {
    const unavailable = (nats: string, error?: string) =>
      reply.code(503).send({ status: 'unavailable', nats, stream: backend.stream, ...(error ? { error } : {}) });
    if (!backend.connected) return unavailable('disconnected');
    try {
      if (await backend.streamExists()) return reply.code(200).send({ status: 'ok', nats: 'connected', stream: backend.stream });
      return unavailable('connected', `stream ${backend.stream} does not exist: POST cannot store anything; restart the service to create it`);
    } catch (err) {
      if (err instanceof UnavailableError) return unavailable('not answering', err.message);
      throw err;
    }
  });

  return app;
}

const notServed = (name: string, served: string) => fail('not_found', `stream "${name}" is not served by this API (it serves ${served})`);
