// What a valid request looks like, as JSON Schema: fastify validates every request against these
// before a handler runs, so handlers never see a missing field or a number where a string belongs.
import { MAX_SUBJECT_LENGTH } from './subjects';

/** Message ids end up in the Nats-Msg-Id header: printable ASCII, no spaces, at most 128 characters. */
const MESSAGE_ID = { type: 'string', pattern: '^[!-~]{1,128}$' } as const;

/** Stream and consumer names are tokens of JetStream API subjects ($JS.API.STREAM.INFO.<name>): no dots, no wildcards. */
const NAME = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } as const;

export const publishSchema = {
  body: {
    type: 'object',
    required: ['subject', 'data'],
    additionalProperties: false,
    properties: {
      subject: { type: 'string', minLength: 1, maxLength: MAX_SUBJECT_LENGTH },
      data: { type: 'object' },
      message_id: MESSAGE_ID,
    },
  },
  headers: {
    type: 'object',
    properties: { 'nats-msg-id': MESSAGE_ID },
  },
} as const;

export const streamParamsSchema = {
  params: { type: 'object', required: ['name'], properties: { name: NAME } },
} as const;

export const consumerParamsSchema = {
  params: { type: 'object', required: ['stream', 'consumer'], properties: { stream: NAME, consumer: NAME } },
} as const;

/** Plain-language hints for the pattern checks above (ajv would only print the regex). */
export const PATTERN_HINTS: Record<string, string> = {
  message_id: 'must be 1-128 printable ASCII characters without spaces',
  'nats-msg-id': 'must be 1-128 printable ASCII characters without spaces',
  name: 'must be 1-64 letters, digits, "-" or "_"',
  stream: 'must be 1-64 letters, digits, "-" or "_"',
  consumer: 'must be 1-64 letters, digits, "-" or "_"',
};
