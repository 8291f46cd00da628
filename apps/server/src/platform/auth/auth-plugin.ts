import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onRequestHookHandler,
} from 'fastify';
import { AppError, unauthenticated } from '../errors.js';
import { requireActor, type Actor } from './actor.js';

export const SESSION_COOKIE = 'jiedao_sid';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined;
  }
}

export interface SessionResolver {
  /**
   * The actor for a session cookie value, or undefined when it is unknown, expired or revoked. A
   * cached session comes back as a plain value (no promise), a looked-up one as a promise.
   */
  resolve(cookieValue: string): Actor | undefined | Promise<Actor | undefined>;
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
    const resolved = options.resolver.resolve(cookie);
    if (!(resolved instanceof Promise)) {
      request.actor = resolved;
      return done();
    }
    resolved.then(
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

/** The signed-in actor inside a handler guarded by `authenticated`. */
export function actorOf(request: FastifyRequest): Actor {
  return requireActor(request.actor);
}
