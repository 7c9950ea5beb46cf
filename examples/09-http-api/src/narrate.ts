// The demo talks to the service over real HTTP (fetch) and prints each exchange the way curl -i
// would show it in short: the request line with its body, then the status and the JSON answer.
import type { Output } from '@mq/shared';

export interface Exchange {
  status: number;
  body: Record<string, unknown>;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** Send this text as the body instead of JSON.stringify(body). */
  raw?: string;
  /** Print only a one-line summary of the body (for big ones). */
  label?: string;
  quiet?: boolean;
}

export function httpNarrator(out: Output, baseUrl: string) {
  return async function call(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<Exchange> {
    const text = opts.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const headers: Record<string, string> = { ...(text !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers };
    const res = await fetch(baseUrl + path, { method, headers, body: text });
    const answer = await res.text();
    const parsed = (answer ? JSON.parse(answer) : {}) as Record<string, unknown>;
    if (!opts.quiet) {
      const extra = Object.entries(opts.headers ?? {}).map(([k, v]) => ` [${k}: ${v}]`).join('');
      const shown = opts.label ?? (text === undefined ? '' : text.length > 90 ? `${text.slice(0, 87)}...` : text);
      out.say(`→ ${method} ${path}${extra}${shown ? ` ${shown}` : ''}`);
      out.say(`← ${res.status} ${answer}`);
    }
    return { status: res.status, body: parsed };
  };
}
