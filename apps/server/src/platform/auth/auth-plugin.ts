import type { Role } from '@jiedao/contracts';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onRequestAsyncHookHandler,
  onRequestHookHandler,
} from 'fastify';
import { AppError, unauthenticated } from '../errors.js';
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
  /** The actor if it is at hand without I/O (a cache hit), else undefined; lets the hook stay synchronous. */
  peek?(cookieValue: string): Actor | undefined;
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
  // Callback style so that the common case (no cookie, or a cached session) allocates no promise.
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (!request.url.startsWith('/api/')) return done();
    try {
      if (UNSAFE_METHODS.has(request.method)) checkOrigin(request, options.allowedOrigins);
    } catch (error) {
      return done(error as Error);
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) return done();
    const cached = options.resolver.peek?.(cookie);
    if (cached) {
      request.actor = cached;
      return done();
    }
    options.resolver.resolve(cookie).then(
      (actor) => {
        request.actor = actor;
        done();
      },
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
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
export const authenticated: onRequestHookHandler = (
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
) => {
  // Callback style: this runs on every authenticated request, and an async hook costs a promise.
  done(request.actor ? undefined : unauthenticated());
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
