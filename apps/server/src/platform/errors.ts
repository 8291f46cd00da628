import type { ErrorCode } from '@jiedao/contracts';

/** The one map from error code to HTTP status. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  malformed_json: 400,
  invalid_id_number: 400,
  invalid_geometry: 400,
  outside_tenant: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  origin_rejected: 403,
  not_found: 404,
  conflict: 409,
  already_verified: 409,
  idempotency_conflict: 409,
  invalid_uscc: 400,
  real_name_required: 403,
  insufficient_funds: 409,
  clock_refused: 422,
  bank_unavailable: 503,
  verification_no_match: 422,
  account_locked: 429,
  rate_limited: 429,
  verification_unavailable: 503,
  internal_error: 500,
};

const TITLES: Record<ErrorCode, string> = {
  validation_failed: 'Request validation failed',
  malformed_json: 'Malformed JSON body',
  invalid_id_number: 'Invalid resident ID number',
  invalid_geometry: 'Invalid geometry',
  outside_tenant: 'Location outside the subdistrict',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  unauthenticated: 'Not signed in',
  invalid_credentials: 'Invalid phone number or password',
  forbidden: 'Not allowed for your role',
  origin_rejected: 'Cross-origin request rejected',
  not_found: 'Not found',
  conflict: 'Conflict',
  already_verified: 'Already verified',
  idempotency_conflict: 'Idempotency key reused with a different request',
  invalid_uscc: 'Invalid unified social credit code',
  real_name_required: 'Real-name verification required',
  insufficient_funds: 'Insufficient funds',
  clock_refused: 'Clock-in or clock-out refused',
  bank_unavailable: 'Bank unavailable',
  verification_no_match: 'Name and ID number do not match',
  account_locked: 'Account temporarily locked',
  rate_limited: 'Too many requests',
  verification_unavailable: 'Verification service unavailable',
  internal_error: 'Internal server error',
};

export function titleFor(code: ErrorCode): string {
  return TITLES[code];
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** A domain error: carries a stable code; the HTTP layer turns it into problem+json. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: {
      errors?: FieldProblem[];
      retryAfterSeconds?: number;
      allowed?: string[];
      [key: string]: unknown;
    } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'Your role may not do this') => new AppError('forbidden', message);
export const unauthenticated = () => new AppError('unauthenticated', 'Sign in first');

/** A 400 naming one field, for checks that a schema cannot express. */
export function invalidField(
  field: string,
  message: string,
  code: ErrorCode = 'validation_failed',
): AppError {
  return new AppError(code, `${field}: ${message}`, { errors: [{ field, message }] });
}
