// Test helper: one HTTP call to the running service, answering status, JSON body, headers and elapsed time.
export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
  ms: number;
}

export async function http<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  opts: { headers?: Record<string, string>; raw?: string } = {},
): Promise<HttpResult<T>> {
  const t0 = performance.now();
  const hasBody = body !== undefined || opts.raw !== undefined;
  const res = await fetch(base + path, {
    method,
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers, ms: performance.now() - t0 };
}
