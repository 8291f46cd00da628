import type { ErrorCode, Problem } from '@jiedao/contracts';
import { isRecord } from './payload';

/** Codes the API can answer with, plus two the client produces itself. */
export type ClientErrorCode = ErrorCode | 'network_error' | 'bad_response';

export interface FieldProblem {
  /** Field name with any JSON-pointer prefix removed (`/body/phone` → `phone`). */
  field: string;
  message: string;
}

/** A failed API call, built from the RFC 9457 problem document (or from a network failure). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ClientErrorCode;
  readonly detail: string;
  readonly requestId: string | null;
  readonly fieldErrors: FieldProblem[];
  readonly retryAfterSeconds: number | null;
  /** A Chinese wording of `detail`, when the server gave one (e.g. which ID-number check failed). */
  readonly detailZh: string | null;
  /** For a refused case move (409): the moves the server would allow now. */
  readonly allowed: string[];
  /**
   * The problem document's own members beyond the standard ones (`distanceM` of a refused clock-in,
   * `shortfallFen` of insufficient funds …); read them with `problemNumber` / `problemString`.
   */
  readonly extras: Readonly<Record<string, unknown>>;

  constructor(init: {
    status: number;
    code: ClientErrorCode;
    detail: string;
    requestId?: string | null;
    fieldErrors?: FieldProblem[];
    retryAfterSeconds?: number | null;
    detailZh?: string | null;
    allowed?: string[];
    extras?: Readonly<Record<string, unknown>>;
  }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.requestId = init.requestId ?? null;
    this.fieldErrors = init.fieldErrors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.detailZh = init.detailZh ?? null;
    this.allowed = init.allowed ?? [];
    this.extras = init.extras ?? {};
  }

  /** The message for one form field, if the server named it. */
  fieldMessage(field: string): string | undefined {
    return this.fieldErrors.find((error) => error.field === field)?.message;
  }
}

/** `/body/phone`, `/phone`, `phone` and `body.phone` all become `phone`. */
export function fieldName(pointer: string): string {
  const parts = pointer.split(/[/.]/).filter((part) => part.length > 0);
  return parts[parts.length - 1] ?? pointer;
}

/** Reads a problem document defensively: anything missing gets a safe default. */
export function problemToError(status: number, body: unknown): ApiError {
  if (!isRecord(body)) {
    return new ApiError({ status, code: status >= 500 ? 'internal_error' : 'bad_response', detail: '' });
  }
  const problem = body as Partial<Problem>;
  const fieldErrors: FieldProblem[] = Array.isArray(problem.errors)
    ? problem.errors
        .filter(
          (error) => isRecord(error) && typeof error.field === 'string' && typeof error.message === 'string',
        )
        .map((error) => ({ field: fieldName(error.field), message: error.message }))
    : [];
  return new ApiError({
    status,
    code: typeof problem.code === 'string' ? problem.code : 'bad_response',
    detail:
      typeof problem.detail === 'string'
        ? problem.detail
        : typeof problem.title === 'string'
          ? problem.title
          : '',
    requestId: typeof problem.requestId === 'string' ? problem.requestId : null,
    fieldErrors,
    retryAfterSeconds: typeof problem.retryAfterSeconds === 'number' ? problem.retryAfterSeconds : null,
    detailZh: typeof body.messageZh === 'string' ? body.messageZh : null,
    allowed: Array.isArray(body.allowed)
      ? body.allowed.filter((move): move is string => typeof move === 'string')
      : [],
    extras: body,
  });
}

/** A number the problem document carries (`distanceM`, `shortfallFen` …), if it does. */
export function problemNumber(error: unknown, member: string): number | null {
  if (!(error instanceof ApiError)) return null;
  const value = error.extras[member];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A text member of the problem document (`reason`, `earliestAt` …), if it has one. */
export function problemString(error: unknown, member: string): string | null {
  if (!(error instanceof ApiError)) return null;
  const value = error.extras[member];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Any failure as an ApiError (a thrown non-API error counts as a network failure). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({ status: 0, code: 'network_error', detail: '' });
}

/** Builds `?a=1&b=x` from the defined, non-empty values (empty string, null and undefined are left out). */
export function toQuery(params: Readonly<Record<string, string | number | null | undefined>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

let requestLanguage = 'zh-CN';

/** The UI language, sent as Accept-Language so the server can word `detail` messages to match. */
export function setRequestLanguage(language: string): void {
  requestLanguage = language;
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => undefined;

/** The auth provider registers what to do when the session is gone (go to the login page). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): () => void {
  onUnauthorized = handler;
  return () => {
    if (onUnauthorized === handler) onUnauthorized = () => undefined;
  };
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Do not treat a 401 as "session gone" (sign-in itself, and the initial session probe). */
  allowUnauthorized?: boolean;
  /** Sent as `Idempotency-Key` (writes that create or pay): the same key for every retry of one submission. */
  idempotencyKey?: string;
}

async function send(path: string, options: RequestOptions, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept, 'accept-language': requestLanguage };
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const init: RequestInit = {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers,
    signal: options.signal ?? null,
  };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ status: 0, code: 'network_error', detail: '' });
  }
  if (!response.ok) {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    const error = problemToError(response.status, body);
    // A wrong password (invalid_credentials) is not a lost session, whichever endpoint reports it.
    if (response.status === 401 && !options.allowUnauthorized && error.code !== 'invalid_credentials') {
      onUnauthorized();
    }
    throw error;
  }
  return response;
}

/** Calls the JSON API. Resolves with the parsed body, or `undefined` for 204 No Content. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options, 'application/json');
  if (response.status === 204) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ status: response.status, code: 'bad_response', detail: '' });
  }
}

/** File name from a Content-Disposition header (RFC 6266 `filename*` preferred). */
export function dispositionFileName(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header);
  const name = plain?.[2] ?? plain?.[1];
  return name ? name.trim() : fallback;
}

/** Downloads a file from the API (with the session cookie) and hands it to the browser as a download. */
export async function download(path: string, fallbackName: string): Promise<string> {
  const response = await send(path, {}, '*/*');
  const blob = await response.blob();
  const fileName = dispositionFileName(response.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.rel = 'noopener';
  anchor.style.display = 'none';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  window.setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
  return fileName;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export interface UploadOptions {
  /** Called with the share of the body sent so far (0..1). */
  onProgress?: (sent: number) => void;
  signal?: AbortSignal;
}

/**
 * POSTs a file as the raw request body (not multipart) and parses the JSON answer. XMLHttpRequest
 * rather than fetch because only it reports upload progress, which a large Excel file or a photo on
 * a slow phone connection needs.
 */
export function upload<T>(
  path: string,
  body: Blob,
  contentType: string,
  options: UploadOptions = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.withCredentials = true;
    request.responseType = 'text';
    request.setRequestHeader('content-type', contentType);
    request.setRequestHeader('accept', 'application/json');
    request.setRequestHeader('accept-language', requestLanguage);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    request.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = request.responseText ? (JSON.parse(request.responseText) as unknown) : null;
      } catch {
        parsed = null;
      }
      if (request.status >= 200 && request.status < 300) {
        options.onProgress?.(1);
        resolve(parsed as T);
        return;
      }
      const error = problemToError(request.status, parsed);
      if (request.status === 401) onUnauthorized();
      reject(error);
    };
    request.onerror = () => {
      reject(new ApiError({ status: 0, code: 'network_error', detail: '' }));
    };
    request.onabort = () => {
      reject(new DOMException('Upload aborted', 'AbortError'));
    };
    options.signal?.addEventListener('abort', () => {
      request.abort();
    });
    request.send(body);
  });
}
