import i18next from 'i18next';
import { api, ApiError, problemToError } from '../api/client';

/** Every gig endpoint lives under this prefix. */
export const GIG_API = '/api/gig';

/**
 * A failed gig call: the usual ApiError (so ProblemAlert and useProblemText work unchanged) plus the
 * problem document's own members, e.g. `distanceM`/`radiusM` of clock_refused or `shortfallFen` of
 * insufficient_funds.
 */
export class GigProblem extends ApiError {
  readonly extras: Readonly<Record<string, unknown>>;

  constructor(base: ApiError, extras: Readonly<Record<string, unknown>>) {
    super({
      status: base.status,
      code: base.code,
      detail: base.detail,
      requestId: base.requestId,
      fieldErrors: base.fieldErrors,
      retryAfterSeconds: base.retryAfterSeconds,
      detailZh: base.detailZh,
      allowed: base.allowed,
    });
    this.name = 'GigProblem';
    this.extras = extras;
  }
}

/** A whole number the problem document carries (`distanceM`, `shortfallFen`…), if it does. */
export function problemNumber(error: unknown, member: string): number | null {
  if (!(error instanceof GigProblem)) return null;
  const value = error.extras[member];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export interface GigRequestOptions {
  method?: 'GET' | 'POST' | 'PATCH';
  body?: unknown;
  /** Sent as `Idempotency-Key`: the same key for every retry of one submission. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Calls a gig endpoint (`path` below /api/gig). Like `api()` in api/client.ts, which cannot yet send
 * an `Idempotency-Key` header nor hand back a problem's extra members; the two are kept alike (same
 * headers, same problem reading, a lost session reported the same way).
 */
export async function gigApi<T>(path: string, options: GigRequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': i18next.language || 'zh-CN',
  };
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const init: RequestInit = { method, credentials: 'same-origin', headers, signal: options.signal ?? null };
  // Action endpoints without a body still get `{}`: a JSON request the server's body schema accepts.
  const body = options.body ?? (method === 'GET' ? undefined : {});
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(`${GIG_API}${path}`, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ status: 0, code: 'network_error', detail: '' });
  }
  if (!response.ok) {
    let parsed: unknown = null;
    try {
      parsed = await response.json();
    } catch {
      parsed = null;
    }
    if (response.status === 401) {
      // Let the shared client notice the lost session (it sends the person to the sign-in page).
      api('/api/auth/me').catch(() => undefined);
    }
    throw new GigProblem(problemToError(response.status, parsed), isRecord(parsed) ? parsed : {});
  }
  if (response.status === 204) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError({ status: response.status, code: 'bad_response', detail: '' });
  }
}

/** A text member of the problem document (`reason`, `earliestAt`…), if it has one. */
export function problemString(error: unknown, member: string): string | null {
  if (!(error instanceof GigProblem)) return null;
  const value = error.extras[member];
  return typeof value === 'string' && value.length > 0 ? value : null;
}
