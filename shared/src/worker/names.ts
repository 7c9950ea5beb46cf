// Consumer / queue names become JetStream durable names, which are also subject tokens in the
// JetStream API ($JS.API.CONSUMER.INFO.<stream>.<name>): a dot or wildcard would break them.
export class InvalidNameError extends Error {
  override name = 'InvalidNameError';
}

const FORBIDDEN = /[.*>/\\\s]/;

/** Throws InvalidNameError unless `name` is a usable durable consumer (queue) name. */
export function validateConsumerName(name: string, what = 'consumer name'): string {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidNameError(`${what} must not be empty`);
  const bad = name.match(FORBIDDEN);
  if (bad) {
    const shown = /\s/.test(bad[0]) ? 'whitespace' : `"${bad[0]}"`;
    throw new InvalidNameError(`${what} "${name}" is invalid: it contains ${shown}; use letters, digits, "-" and "_" (no ".", "*", ">", "/", "\\" or whitespace)`);
  }
  return name;
}
