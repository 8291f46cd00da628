import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** OpenAPI 3.1 from the route schemas, served as JSON and browsable at /docs. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Jiedao 街道 API',
        version: '0.1.0',
        description:
          'Digital public services of a subdistrict. Errors are application/problem+json (RFC 9457) with a stable `code`. Sign in with POST /api/auth/login; the session is an httpOnly cookie.',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'jiedao_sid' } },
      },
      security: [{ session: [] }],
      tags: [
        { name: 'system', description: 'Health, readiness' },
        { name: 'auth', description: 'Sign-in and sessions' },
        { name: 'identity', description: 'People, accounts, organisations, verification, consent, audit' },
        { name: 'places', description: 'Tenant, communities, grids, facilities' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
