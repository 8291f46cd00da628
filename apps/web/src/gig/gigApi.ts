import { api, type RequestOptions } from '../api/client';

export { problemNumber, problemString } from '../api/client';

/** Every gig endpoint lives under this prefix. */
export const GIG_API = '/api/gig';

export type GigRequestOptions = Pick<RequestOptions, 'body' | 'idempotencyKey' | 'signal'> & {
  method?: 'GET' | 'POST' | 'PATCH';
};

/**
 * Calls a gig endpoint (`path` below /api/gig) through the shared client. Action endpoints without a
 * body still send `{}`: a JSON request the server's body schema accepts.
 */
export function gigApi<T>(path: string, options: GigRequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  return api<T>(`${GIG_API}${path}`, {
    ...options,
    method,
    body: options.body ?? (method === 'GET' ? undefined : {}),
  });
}
