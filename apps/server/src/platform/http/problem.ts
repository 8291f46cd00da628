import type { ErrorCode } from '@jiedao/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { AppError, ERROR_STATUS, titleFor, type FieldProblem } from '../errors.js';
import { describeValidationErrors } from './validation.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance: string;
  requestId: string;
  errors?: FieldProblem[];
  retryAfterSeconds?: number;
  allowed?: string[];
}

export function buildProblem(
  request: FastifyRequest,
  code: ErrorCode,
  detail: string,
  extra: Partial<ProblemBody> = {},
  status = ERROR_STATUS[code],
): ProblemBody {
  return {
    type: `urn:jiedao:problem:${code}`,
    title: titleFor(code),
    status,
    detail,
    code,
    instance: request.url.split('?')[0] ?? request.url,
    requestId: String(request.id),
    ...extra,
  };
}

export function sendProblem(reply: FastifyReply, problem: ProblemBody): FastifyReply {
  if (problem.retryAfterSeconds !== undefined) reply.header('retry-after', String(problem.retryAfterSeconds));
  return reply.status(problem.status).type('application/problem+json').send(problem);
}

/** Maps Fastify's own error codes (parser, limits) onto ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
};

/**
 * The one error handler: domain errors and client mistakes become RFC 9457 problem+json with a
 * stable code; anything else is a 500 whose body reveals nothing but the request id.
 */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & { validation?: ErrorObject[] }, request, reply) => {
    if (error instanceof AppError) {
      return sendProblem(reply, buildProblem(request, error.code, error.message, error.extra));
    }
    if (error.validation) {
      const errors = describeValidationErrors(error.validation, error.validationContext);
      const detail = errors.map((e) => `${e.field} ${e.message}`).join('; ');
      return sendProblem(
        reply,
        buildProblem(request, 'validation_failed', detail || 'Invalid request', { errors }),
      );
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      const detail =
        mapped === 'malformed_json'
          ? `The body is not valid JSON: ${error.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'$/, 'parse error')}`
          : error.message;
      return sendProblem(reply, buildProblem(request, mapped, detail));
    }
    if (error.statusCode === 429) {
      const retryAfter = Number(reply.getHeader('retry-after')) || 60;
      return sendProblem(
        reply,
        buildProblem(request, 'rate_limited', `Too many requests; retry in ${retryAfter} s`, {
          retryAfterSeconds: retryAfter,
        }),
      );
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(
        reply,
        buildProblem(request, 'validation_failed', error.message, {}, error.statusCode),
      );
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      reply,
      buildProblem(
        request,
        'internal_error',
        `Something went wrong on our side. Quote request id ${String(request.id)} when reporting it.`,
      ),
    );
  });
}

/** 404 for a URL no route serves. */
export function sendRouteNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(
    reply,
    buildProblem(request, 'not_found', `No route for ${request.method} ${request.url.split('?')[0] ?? ''}`),
  );
}
