import {
  AccessAuditEntry,
  AccountSummary,
  ChangePasswordRequest,
  Consent,
  CreateAccountRequest,
  CreateOrganisationRequest,
  GrantConsentRequest,
  IdParams,
  LoginRequest,
  Me,
  Organisation,
  OrganisationKindSchema,
  PageQuery,
  Paged,
  PersonDetail,
  PersonSummary,
  RevealQuery,
  Timestamp,
  Uuid,
  VerifyRealNameRequest,
} from '@jiedao/contracts';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf, authenticated, SESSION_COOKIE } from '../../platform/auth/auth-plugin.js';
import type { AppContext } from '../../platform/context.js';
import { clientIp, PROBLEM_RESPONSES, typed } from '../../platform/http/route-helpers.js';
import * as accounts from './accounts.service.js';
import * as auth from './auth.service.js';
import * as consents from './consent.service.js';
import * as people from './people.service.js';
import type { SessionCache } from './session-cache.js';
import type { RealNameVerificationProvider } from './verification-provider.js';
import { verifyRealName } from './verification.service.js';

const NoContent = { 204: Type.Null(), ...PROBLEM_RESPONSES };

export function registerIdentityRoutes(
  fastify: FastifyInstance,
  ctx: AppContext,
  deps: { verificationProvider: RealNameVerificationProvider; sessionCache: SessionCache },
): void {
  const app = typed(fastify);

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with phone and password',
        body: LoginRequest,
        response: { 200: Me, ...PROBLEM_RESPONSES },
      },
      config: { rateLimit: { max: ctx.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const result = await auth.login(ctx, request.body, {
        userAgent: request.headers['user-agent'] ?? null,
        ip: clientIp(request),
      });
      reply.setCookie(SESSION_COOKIE, result.cookieValue, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.config.secureCookies,
        expires: result.expiresAt,
      });
      return result.me;
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: { tags: ['auth'], summary: 'Sign out this session', response: NoContent },
      onRequest: authenticated,
    },
    async (request, reply) => {
      await auth.logout(ctx, deps.sessionCache, actorOf(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in account',
        response: { 200: Me, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => auth.getMe(ctx, actorOf(request)),
  );

  app.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change password; signs out other sessions',
        body: ChangePasswordRequest,
        response: NoContent,
      },
      onRequest: authenticated,
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      await auth.changePassword(ctx, deps.sessionCache, actorOf(request), request.body);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/identity/me/verification',
    {
      schema: {
        tags: ['identity'],
        summary: 'Verify my real name (name + resident ID number)',
        body: VerifyRealNameRequest,
        response: { 200: Me, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    },
    (request) => verifyRealName(ctx, deps.verificationProvider, actorOf(request), request.body),
  );

  app.get(
    '/api/identity/me/consents',
    {
      schema: {
        tags: ['identity'],
        summary: 'My consent records',
        response: { 200: Type.Array(Consent), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => consents.listMyConsents(ctx, actorOf(request)),
  );

  app.post(
    '/api/identity/me/consents',
    {
      schema: {
        tags: ['identity'],
        summary: 'Record a consent',
        body: GrantConsentRequest,
        response: { 201: Consent, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    async (request, reply) =>
      reply.status(201).send(await consents.grantConsent(ctx, actorOf(request), request.body)),
  );

  app.post(
    '/api/identity/me/consents/:id/withdraw',
    {
      schema: {
        tags: ['identity'],
        summary: 'Withdraw a consent',
        params: IdParams,
        response: { 200: Consent, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => consents.withdrawConsent(ctx, actorOf(request), request.params.id),
  );

  app.get(
    '/api/identity/people',
    {
      schema: {
        tags: ['identity'],
        summary: 'People of the subdistrict (masked)',
        querystring: Type.Object(
          { q: Type.Optional(Type.String({ maxLength: 64 })), ...PageQuery },
          { additionalProperties: false },
        ),
        response: { 200: Paged(PersonSummary), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => people.listPeople(ctx, actorOf(request), request.query),
  );

  app.get(
    '/api/identity/people/:id',
    {
      schema: {
        tags: ['identity'],
        summary: 'One person; `reveal` shows fields unmasked to roles that need them, and is audited',
        params: IdParams,
        querystring: RevealQuery,
        response: { 200: PersonDetail, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) =>
      people.getPerson(ctx, actorOf(request), request.params.id, {
        reveal: (request.query.reveal?.split(',') ?? []) as Array<'phone' | 'idNumber'>,
        purpose: request.query.purpose,
        requestId: String(request.id),
        ip: clientIp(request),
      }),
  );

  app.get(
    '/api/identity/access-audit',
    {
      schema: {
        tags: ['identity'],
        summary: 'Unmasked reads of personal data (tenant admins)',
        querystring: Type.Object(
          {
            from: Type.Optional(Timestamp),
            to: Type.Optional(Timestamp),
            actorAccountId: Type.Optional(Uuid),
            subjectPersonId: Type.Optional(Uuid),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Paged(AccessAuditEntry), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => people.listAccessAudit(ctx, actorOf(request), request.query),
  );

  app.get(
    '/api/identity/organisations',
    {
      schema: {
        tags: ['identity'],
        summary: 'Organisations (departments, employers, enterprises, insurers …)',
        querystring: Type.Object(
          { kind: Type.Optional(OrganisationKindSchema) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Organisation), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => accounts.listOrganisations(ctx, actorOf(request), request.query.kind),
  );

  app.post(
    '/api/identity/organisations',
    {
      schema: {
        tags: ['identity'],
        summary: 'Register an organisation (tenant admins)',
        body: CreateOrganisationRequest,
        response: { 201: Organisation, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    async (request, reply) =>
      reply.status(201).send(await accounts.createOrganisation(ctx, actorOf(request), request.body)),
  );

  app.get(
    '/api/identity/accounts',
    {
      schema: {
        tags: ['identity'],
        summary: 'Accounts of the subdistrict (tenant admins)',
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Paged(AccountSummary), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => accounts.listAccounts(ctx, actorOf(request), request.query),
  );

  app.post(
    '/api/identity/accounts',
    {
      schema: {
        tags: ['identity'],
        summary: 'Create an account with roles (tenant admins)',
        body: CreateAccountRequest,
        response: { 201: AccountSummary, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    async (request, reply) =>
      reply.status(201).send(await accounts.createAccount(ctx, actorOf(request), request.body)),
  );
}
