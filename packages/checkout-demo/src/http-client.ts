/** A tiny JSON client for the demo server, as the cashier page or a shop's backend would call it. */
export function apiClient(origin: string, consoleToken?: string) {
  return async function api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(consoleToken ? { authorization: `Bearer ${consoleToken}` } : {}),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const data = (await res.json()) as T & { message?: string; code?: string };
    if (!res.ok) throw new DemoApiError(res.status, data.code ?? "", data.message ?? `${res.status}`);
    return data;
  };
}

export class DemoApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Polls until `check` returns a value; bounded, so a lost notification fails the run instead of hanging. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
