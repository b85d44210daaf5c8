/**
 * The one way the app talks to the API: same origin, the session cookie, and the session's CSRF
 * token on every write (docs/api.md). Errors arrive as the API's one error body and leave as ApiError.
 */

export type FieldIssue = { path: string; rule: string; message: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
    readonly requestId: string | null,
  ) {
    super(message);
  }

  /** Field issues of a VALIDATION_FAILED answer, keyed by the field name after `body.` or `querystring.`. */
  fieldIssues(): Record<string, string> {
    if (!Array.isArray(this.details)) return {};
    const out: Record<string, string> = {};
    for (const d of this.details as FieldIssue[]) {
      if (typeof d?.path !== 'string') continue;
      const key = d.path.replace(/^(body|querystring|params)\./, '');
      out[key] = d.message;
    }
    return out;
  }
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

type RequestOptions = {
  body?: unknown;
  raw?: Blob | string;
  rawType?: string;
  headers?: Record<string, string>;
};

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.raw !== undefined) {
    headers['content-type'] = options.rawType ?? 'application/octet-stream';
    body = options.raw;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, { method, headers, body: body ?? null, credentials: 'same-origin' });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const error = (
      json as { error?: { code?: string; message?: string; details?: unknown; requestId?: string } }
    )?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'HTTP_ERROR',
      error?.message ?? `The server answered ${response.status}.`,
      error?.details,
      error?.requestId ?? response.headers.get('x-request-id'),
    );
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', withQuery(path, query));
export const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
  api<T>('POST', path, { body: body ?? {}, ...(headers ? { headers } : {}) });

export type Page<T> = { items: T[]; nextCursor: string | null };
