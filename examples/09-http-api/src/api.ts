// The HTTP API of seed 000 on fastify: publish a message, inspect the stream, inspect a consumer.
// Every answer is JSON, every failure has a status code that says whose fault it was:
// 400/413/415 the caller's input, 404 an unknown stream or consumer, 503 NATS is away, 502 NATS refused.
import Fastify, { type FastifyError, type FastifyInstance, type FastifySchemaValidationError } from 'fastify';
import { JetStreamApiError } from '@nats-io/jetstream';
import { NotFoundError, UnavailableError, type Backend } from './backend';
import { consumerParamsSchema, PATTERN_HINTS, publishSchema, streamParamsSchema } from './schemas';
import { checkPublishSubject } from './subjects';

export interface ApiOptions {
  /** Largest accepted request body in bytes (default 64 KiB; larger -> 413). */
  bodyLimit?: number;
  /** One line per request, e.g. for the server's console. */
  log?: (line: string) => void;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;

interface PublishBody {
  subject: string;
  data: Record<string, unknown>;
  message_id?: string;
}

/** The error body every failure uses. `field` names the offending input when there is one. */
export interface ApiError {
  success: false;
  code: string;
  error: string;
  field?: string;
}

const fail = (code: string, error: string, field?: string): ApiError => ({ success: false, code, error, ...(field ? { field } : {}) });

export function buildApi(backend: Backend, opts: ApiOptions = {}): FastifyInstance {
  const app = Fastify({
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // fastify's defaults would turn {"subject": 123} into "123" and silently drop unknown fields; we want both refused.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });

  app.removeContentTypeParser('text/plain'); // JSON only: anything else is 415, not a string the schema then refuses

  if (opts.log) {
    const log = opts.log;
    app.addHook('onResponse', async (req, reply) => log(`${req.method} ${req.url} -> ${reply.statusCode} (${reply.elapsedTime.toFixed(1)} ms)`));
  }

  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (err.validation) return reply.code(400).send(validationFailure(err.validation, err.validationContext ?? 'body'));
    switch (err.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.code(400).send(fail('invalid_json', 'request body is not valid JSON (or carries a forbidden "__proto__" key)', 'body'));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.code(400).send(fail('invalid_json', 'request body is empty; send a JSON object', 'body'));
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.code(413).send(fail('body_too_large', `request body is larger than ${opts.bodyLimit ?? DEFAULT_BODY_LIMIT} bytes`, 'body'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.code(415).send(fail('unsupported_media_type', 'send the body as Content-Type: application/json'));
    }
    if (err instanceof UnavailableError) return reply.code(503).header('retry-after', '1').send(fail('nats_unavailable', err.message));
    if (err instanceof NotFoundError) return reply.code(404).send(fail('not_found', err.message));
    if (err instanceof JetStreamApiError) return reply.code(502).send(fail('nats_error', `JetStream refused the request: ${err.message}`));
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send(fail('bad_request', err.message)); // any other client error fastify raises
    opts.log?.(`internal error: ${err.stack ?? err.message}`);
    return reply.code(500).send(fail('internal_error', 'internal error'));
  });

  app.setNotFoundHandler((req, reply) => reply.code(404).send(fail('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));

  app.post<{ Body: PublishBody; Headers: { 'nats-msg-id'?: string } }>('/api/v1/messages', { schema: publishSchema }, async (req, reply) => {
    const { subject, data, message_id: fieldId } = req.body;
    const headerId = req.headers['nats-msg-id'];
    if (headerId && fieldId && headerId !== fieldId) {
      return reply.code(400).send(fail('invalid_field', `"message_id" ("${fieldId}") differs from the Nats-Msg-Id header ("${headerId}"); send one of them`, 'message_id'));
    }
    const check = checkPublishSubject(subject, backend.subjects, backend.stream);
    if (!check.ok) return reply.code(400).send(fail('subject_not_allowed', check.reason, 'subject'));
    const r = await backend.publish(subject, data, headerId ?? fieldId);
    return { success: true, stream: r.stream, sequence: r.sequence, duplicate: r.duplicate, timestamp: new Date().toISOString() };
  });

  app.get<{ Params: { name: string } }>('/api/v1/streams/:name', { schema: streamParamsSchema }, async (req, reply) => {
    const { name } = req.params;
    if (name !== backend.stream) return reply.code(404).send(fail('not_found', `stream "${name}" is not served by this API (it serves ${backend.stream})`));
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

  app.get<{ Params: { stream: string; consumer: string } }>('/api/v1/consumers/:stream/:consumer', { schema: consumerParamsSchema }, async (req, reply) => {
    const { stream, consumer } = req.params;
    if (stream !== backend.stream) return reply.code(404).send(fail('not_found', `stream "${stream}" is not served by this API (it serves ${backend.stream})`));
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

  app.get('/healthz', async (_req, reply) => {
    const up = backend.connected;
    return reply.code(up ? 200 : 503).send({ status: up ? 'ok' : 'unavailable', nats: up ? 'connected' : 'disconnected', stream: backend.stream });
  });

  return app;
}

/** Turn ajv's first error into one sentence that names the field. */
function validationFailure(errors: FastifySchemaValidationError[], context: string): ApiError {
  const v = errors[0];
  const p = v.params;
  const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const child = typeof p.missingProperty === 'string' ? p.missingProperty : typeof p.additionalProperty === 'string' ? p.additionalProperty : undefined;
  const field = [path, child].filter(Boolean).join('.') || context;
  const where = context === 'headers' ? `header "${field}"` : context === 'params' ? `path parameter "${field}"` : `"${field}"`;
  if (v.keyword === 'required') return fail('invalid_field', `${where} is required`, field);
  if (v.keyword === 'additionalProperties') return fail('invalid_field', `${where} is not an accepted field (accepted: subject, data, message_id)`, field);
  if (!path && v.keyword === 'type') return fail('invalid_field', `request ${context} must be a JSON object`, context);
  if (v.keyword === 'type') return fail('invalid_field', `${where} must be of type ${String(p.type)}`, field);
  if (v.keyword === 'pattern') return fail('invalid_field', `${where} ${PATTERN_HINTS[field] ?? 'has an invalid format'}`, field);
  return fail('invalid_field', `${where} ${v.message ?? 'is invalid'}`, field);
}
