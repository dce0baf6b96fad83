/** A problem document the service answered with. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly detail: string,
    readonly fields: { pointer: string; detail: string }[] = [],
  ) {
    super(`${status} ${reason}: ${detail}`);
  }
}

export interface ApiClientOptions {
  url: string;
  /** An operator's Google identity token (`gcloud auth print-identity-token`). */
  token: string | undefined;
  fetch?: typeof fetch;
}

export type ApiClient = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** Calls the replay API with the operator's token; problems become ApiErrors. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const send = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, '');
  return async function callApi<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await send(`${base}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!res.ok) {
      const problem = (parsed ?? {}) as {
        reason?: string;
        detail?: string;
        errors?: ApiError['fields'];
      };
      throw new ApiError(
        res.status,
        problem.reason ?? 'http_error',
        problem.detail ?? (text.slice(0, 200) || res.statusText),
        problem.errors ?? [],
      );
    }
    return parsed as T;
  };
}
