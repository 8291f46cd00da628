import { Type, type Static } from 'typebox';

/** Every stable error code the API can answer with. One union; one map to HTTP status lives in the server. */
export const ERROR_CODES = [
  'validation_failed',
  'malformed_json',
  'payload_too_large',
  'unsupported_media_type',
  'unauthenticated',
  'forbidden',
  'origin_rejected',
  'not_found',
  'conflict',
  'invalid_credentials',
  'account_locked',
  'rate_limited',
  'invalid_id_number',
  'verification_no_match',
  'verification_unavailable',
  'already_verified',
  'invalid_geometry',
  'outside_tenant',
  'idempotency_conflict',
  'invalid_uscc',
  'real_name_required',
  'insufficient_funds',
  'clock_refused',
  'bank_unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const FieldError = Type.Object({
  /** JSON pointer-ish path of the offending field, e.g. `/phone` or `/query/lat`. */
  field: Type.String(),
  message: Type.String(),
});

/** RFC 9457 problem details, extended with a stable `code`, the request id and per-field errors. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.Enum(ERROR_CODES),
    instance: Type.Optional(Type.String()),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(FieldError)),
    retryAfterSeconds: Type.Optional(Type.Integer()),
    allowed: Type.Optional(Type.Array(Type.String())),
    messageZh: Type.Optional(
      Type.String({ description: 'The detail in Chinese, where the server words one' }),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);
export type Problem = Static<typeof Problem>;
