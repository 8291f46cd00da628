import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { Health, Readiness } from '@jiedao/contracts';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuth } from './platform/auth/auth-plugin.js';
import type { AppConfig } from './platform/config.js';
import type { AppContext } from './platform/context.js';
import type { DatabaseHandle } from './platform/database/database.js';
import { isFullyMigrated } from './platform/database/migrator.js';
import { registerMetrics } from './platform/http/metrics.js';
import { expireDueTransfers } from './platform/ledger/index.js';
import { HttpPayoutRail } from './platform/payout-rail/http-payout-rail.js';
import { SimulatedPayoutRail, type PayoutRail } from './platform/payout-rail/payout-rail.js';
import { PayoutProcessor } from './platform/payouts/index.js';
import { registerOpenApi } from './platform/http/openapi.js';
import { registerSecurityHeaders } from './platform/http/security-headers.js';
import { registerProblemHandlers, sendRouteNotFound } from './platform/http/problem.js';
import { createValidatorCompiler } from './platform/http/validation.js';
import { newId } from './platform/ids.js';
import { JobRunner } from './platform/jobs/job-runner.js';
import { OutboxDispatcher } from './platform/outbox/outbox-dispatcher.js';
import { PiiCipher, loadDataKey } from './platform/privacy/index.js';
import {
  createSessionResolver,
  registerIdentityRoutes,
  SessionCache,
  SimulatedVerificationProvider,
  withTimeout,
  type RealNameVerificationProvider,
} from './modules/identity/index.js';
import { GridLocator, registerPlacesRoutes } from './modules/places/index.js';
import { startGovernance, type GovernanceRuntime } from './modules/governance/index.js';
import { startGig, type GigRuntime, type StartGigOptions } from './modules/gig/index.js';

export interface BuildAppOptions {
  config: AppConfig;
  database: DatabaseHandle;
  /** Defaults to the local simulator, tuned by config.verification. */
  verificationProvider?: RealNameVerificationProvider;
  /** Pino logger options; `false` silences logs (tests). */
  logger?: boolean | object;
  /** The gig market's bank, SMS gateway, tuning and clock (tests); simulators by default. */
  gig?: StartGigOptions;
  /** The payout rail; by default the HTTP rail at `config.payoutRailUrl`, else the in-process simulator. */
  payoutRail?: PayoutRail;
}

export interface BuiltApp {
  app: FastifyInstance;
  ctx: AppContext;
  locator: GridLocator;
  governance: GovernanceRuntime;
  gig: GigRuntime;
  payoutRail: PayoutRail;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,64}$/;

/** The default location of the built web app, relative to this file in both src/ and dist/. */
export function defaultWebDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');
}

/** Builds the whole HTTP application: platform plugins first, then each module. Does not listen. */
export async function buildApp(options: BuildAppOptions): Promise<BuiltApp> {
  const { config, database } = options;
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    trustProxy: true,
    // Honour a caller's request id (a gateway's) when it is sane, otherwise mint one.
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : newId();
    },
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(createValidatorCompiler());
  registerProblemHandlers(app);
  // Callback-style hooks on the hot path: an async hook costs a promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  const cipher = new PiiCipher(
    loadDataKey({
      dataKey: config.dataKey,
      dataDir: config.dataDir,
      warn: (message) => app.log.warn(message),
    }),
  );
  const outbox = new OutboxDispatcher({ db: database.db, log: app.log });
  const jobs = new JobRunner({ db: database.db, log: app.log });
  const ctx: AppContext = {
    db: database.db,
    databaseKind: database.kind,
    config,
    cipher,
    log: app.log,
    outbox,
    jobs,
  };
  const verificationProvider =
    options.verificationProvider ??
    withTimeout(
      new SimulatedVerificationProvider({
        minLatencyMs: config.verification.minLatencyMs,
        maxLatencyMs: config.verification.maxLatencyMs,
        failureRate: config.verification.failureRate,
        acceptUnknown: true,
      }),
      config.verification.timeoutMs,
    );

  registerSecurityHeaders(app);
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (request, context) => {
      const seconds = Math.ceil(context.ttl / 1000);
      return Object.assign(new Error(`Too many requests; retry in ${seconds} s`), {
        statusCode: 429,
        retryAfterSeconds: seconds,
      });
    },
  });
  await registerOpenApi(app);
  const metrics = registerMetrics(app);
  const sessionCache = new SessionCache(config.sessionCacheMs);
  registerAuth(app, {
    resolver: createSessionResolver(ctx, sessionCache),
    allowedOrigins: config.allowedOrigins,
  });

  app.get(
    '/healthz',
    { schema: { tags: ['system'], summary: 'Liveness', response: { 200: Health } } },
    () => ({ status: 'ok' as const }),
  );

  let migrated = false;
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: database reachable and migrations applied',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      let databaseUp = false;
      try {
        migrated ||= await isFullyMigrated(database.db);
        databaseUp = true;
      } catch {
        databaseUp = false;
      }
      const ready = databaseUp && migrated;
      return reply.status(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'not_ready',
        database: database.kind,
        checks: { database: databaseUp, migrations: migrated },
      });
    },
  );

  const locator = new GridLocator(database.db);
  registerIdentityRoutes(app, ctx, { verificationProvider, sessionCache });
  registerPlacesRoutes(app, ctx, locator);
  const governance = startGovernance(app, ctx, locator, metrics);
  const gig = startGig(app, ctx, options.gig);
  // Holds whose time is up are released by the sweep (a hire's wage hold, a payout in flight).
  // Payouts leave through the rail; Jiedao ships only its simulator (platform/payout-rail): run as
  // its own process (JIEDAO_PAYOUT_RAIL_URL) it outlives a crash of this one like a real rail;
  // inside this process its records are memory only — it forgets them on a restart.
  const payoutRail =
    options.payoutRail ??
    (config.payoutRailUrl
      ? new HttpPayoutRail({ baseUrl: config.payoutRailUrl })
      : new SimulatedPayoutRail({ seed: Date.now() % 2_147_483_647 }));
  const payouts = new PayoutProcessor({
    db: database.db,
    rail: payoutRail,
    cipher: ctx.cipher,
    log: ctx.log,
    queryAfterMs: config.payoutQueryAfterMs,
    retryBaseMs: config.payoutRetryBaseMs,
  });
  if (config.sweepIntervalMs > 0) {
    jobs.every('ledger.expire_holds', config.sweepIntervalMs, async () => {
      await expireDueTransfers(database.db);
    });
    jobs.every('payouts.process', config.sweepIntervalMs, async () => {
      await payouts.runOnce();
    });
  }

  // Every module has subscribed and registered by now; the engines run while the app does.
  app.addHook('onReady', async () => {
    await outbox.start();
    jobs.start();
    payouts.start();
  });
  app.addHook('onClose', async () => {
    await jobs.stop();
    await payouts.stop();
    payoutRail.close?.();
    await outbox.stop();
  });

  const webDir = config.webDir ?? defaultWebDir();
  const hasWeb = fs.existsSync(path.join(webDir, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((request, reply) => {
    // Client-side routes: a GET outside the API and system endpoints, not for a file, gets the app shell.
    const pathname = request.url.split('?')[0] ?? '';
    const isAppRoute =
      hasWeb &&
      request.method === 'GET' &&
      !/^\/(api|docs|open311|metrics|healthz|readyz)(\/|$)/.test(pathname) &&
      !path.extname(pathname);
    if (isAppRoute) return reply.type('text/html').sendFile('index.html');
    return sendRouteNotFound(request, reply);
  });

  return { app, ctx, locator, governance, gig, payoutRail };
}
