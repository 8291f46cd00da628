import type { Role } from '@jiedao/contracts';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from '../errors.js';
import { assertRole, requireActor, type Actor } from './actor.js';

export const SESSION_COOKIE = 'jiedao_sid';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined;
  }
}

export interface SessionResolver {
  /** Returns the actor for a session cookie value, or undefined when it is unknown, expired or revoked. */
  resolve(cookieValue: string): Promise<Actor | undefined>;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the session cookie into `request.actor` and rejects cross-origin state changes: a
 * browser always sends Origin on a cross-site POST, so a mismatch there is a forged request.
 */
export function registerAuth(
  app: FastifyInstance,
  options: { resolver: SessionResolver; allowedOrigins: string[] },
): void {
  app.decorateRequest('actor', undefined);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!request.url.startsWith('/api/')) return;
    if (UNSAFE_METHODS.has(request.method)) checkOrigin(request, options.allowedOrigins);
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) request.actor = await options.resolver.resolve(cookie);
  });
}

function checkOrigin(request: FastifyRequest, allowedOrigins: string[]): void {
  const origin = request.headers.origin;
  if (!origin) return;
  const host = request.headers['x-forwarded-host'] ?? request.headers.host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError('origin_rejected', `Origin "${origin}" is not a valid origin`);
  }
  if (originHost === host || allowedOrigins.includes(origin)) return;
  throw new AppError('origin_rejected', `Requests from origin ${origin} may not change data here`);
}

/** Route hook (onRequest, so it answers before body validation): 401 without a session. */
export const authenticated: onRequestAsyncHookHandler = async (request: FastifyRequest) => {
  requireActor(request.actor);
};

/** Route hook: 401 without a session, 403 without one of `roles`. */
export function rolesAllowed(...roles: Role[]): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    assertRole(requireActor(request.actor), roles);
  };
}

/** The signed-in actor inside a handler guarded by `authenticated` or `rolesAllowed`. */
export function actorOf(request: FastifyRequest): Actor {
  return requireActor(request.actor);
}
