import { Problem } from '@jiedao/contracts';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

/** Error responses every route may give, documented once. */
export const PROBLEM_RESPONSES = { '4xx': Problem, '5xx': Problem } as const;

export function typed(app: FastifyInstance) {
  return app.withTypeProvider<TypeBoxTypeProvider>();
}

/** The client address Fastify resolved (honours trustProxy), for audit records. */
export function clientIp(request: { ip: string }): string | null {
  return request.ip || null;
}
