// Every failure the API answers, with a status code that says whose fault it was:
// 400/408/413/415 the caller's input, 404 an unknown stream or consumer, 503 (with Retry-After)
// NATS is away, 502 JetStream refused, 500 (without Retry-After) a bug in this service. A bug is
// never reported as an outage: a client that retries a 503 would retry our bug forever.
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { JetStreamApiError } from '@nats-io/jetstream';
import { NotFoundError, UnavailableError } from './backend';
import { PATTERN_HINTS } from './schemas';

/** The error body every failure uses. `field` names the offending input when there is one. */
export interface ApiError {
  success: false;
  code: string;
  error: string;
  field?: string;
}

export const fail = (code: string, error: string, field?: string): ApiError => ({
  success: false,
  code,
  error,
  ...(field ? { field } : {}),
});

export function errorHandler(bodyLimit: number, log?: (line: string) => void) {
  return (err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
    if (err.validation) return reply.code(400).send(validationFailure(err.validation, err.validationContext ?? 'body'));
    switch (err.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.code(400).send(fail('invalid_json', 'request body is not valid JSON (or carries a forbidden "__proto__" key)', 'body'));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.code(400).send(fail('invalid_json', 'request body is empty; send a JSON object', 'body'));
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.code(413).send(fail('body_too_large', `request body is larger than ${bodyLimit} bytes`, 'body'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.code(415).send(fail('unsupported_media_type', 'send the body as Content-Type: application/json'));
    }
    if (err instanceof UnavailableError) return reply.code(503).header('retry-after', '1').send(fail('nats_unavailable', err.message));
    if (err instanceof NotFoundError) return reply.code(404).send(fail('not_found', err.message));
    if (err instanceof JetStreamApiError) return reply.code(502).send(fail('nats_error', `JetStream refused the request: ${err.message}`));
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send(fail('bad_request', err.message)); // any other client error fastify raises
    log?.(`internal error: ${err.stack ?? err.message}`);
    return reply.code(500).send(fail('internal_error', 'internal error (a bug in this service, not a NATS outage; retrying will not help)'));
  };
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
