import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { Type, type TObject, type TSchema } from 'typebox';
import { AppError } from '../../../platform/errors.js';
import { describeValidationErrors } from '../../../platform/http/validation.js';
import type { Governance } from '../governance.js';
import { parseForm, pickLocale, type FormFields, type Locale } from './open311-params.js';
import { toXml, type XmlValue } from './open311-xml.js';
import * as schemas from './open311.schemas.js';
import * as open311 from './open311.service.js';

export const OPEN311_PREFIX = '/open311/v2';
/** Forms are small: a report with a few attributes. */
const MAX_FORM_BYTES = 64 * 1024;

type Format = 'json' | 'xml';
type Result = { root: string; value: XmlValue; status?: number };
type Query = Record<string, unknown>;

const JSON_TYPE = 'application/json; charset=utf-8';
const XML_TYPE = 'text/xml; charset=utf-8';

function send(reply: FastifyReply, format: Format, { root, value, status = 200 }: Result): FastifyReply {
  // Serialized here, not by Fastify: the JSON and XML forms must carry the same fields, nulls included.
  return format === 'xml'
    ? reply.status(status).type(XML_TYPE).send(toXml(root, value))
    : reply.status(status).type(JSON_TYPE).send(JSON.stringify(value));
}

/** The format the caller asked for, also when the route (or its params) could not be matched. */
function formatOf(request: FastifyRequest): Format {
  const param = (request.params as { format?: unknown } | undefined)?.format;
  if (param === 'xml' || param === 'json') return param;
  return /\.xml$/i.test(request.url.split('?')[0] ?? '') ? 'xml' : 'json';
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

function localeOf(request: FastifyRequest, fields: Query = {}): Locale {
  const header = request.headers['accept-language'];
  return pickLocale(
    text(fields.locale) ?? text((request.query as Query).locale),
    typeof header === 'string' ? header : undefined,
  );
}

/** Credentials from the form (POST) or the query; a POST may also carry them in its query string. */
function credentialsOf(request: FastifyRequest, fields: Query = {}): open311.Credentials {
  const query = request.query as Query;
  return {
    jurisdictionId: text(fields.jurisdiction_id) ?? text(query.jurisdiction_id),
    apiKey: text(fields.api_key) ?? text(query.api_key),
  };
}

function errorsOf(error: FastifyError & { validation?: ErrorObject[] }, request: FastifyRequest) {
  if (error instanceof AppError) {
    const problems = error.extra.errors ?? [];
    return {
      status: error.status,
      errors:
        problems.length > 0
          ? problems.map((problem) => ({
              code: error.status,
              description: `${problem.field} ${problem.message}`,
            }))
          : [{ code: error.status, description: error.message }],
    };
  }
  if (error.validation) {
    // Name the parameter as the client wrote it: "page must be >= 1", not "query/page …".
    const errors = describeValidationErrors(error.validation, error.validationContext).map((problem) => ({
      code: 400,
      description: `${problem.field.replace(/^(query|path|header)?\/+/, '') || 'body'} ${problem.message}`,
    }));
    return { status: 400, errors };
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return {
      status: 415,
      errors: [{ code: 415, description: 'The body must be application/x-www-form-urlencoded' }],
    };
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
    return { status: error.statusCode, errors: [{ code: error.statusCode, description: error.message }] };
  request.log.error({ err: error }, 'Open311 request failed');
  return {
    status: 500,
    errors: [
      {
        code: 500,
        description: `Something went wrong on our side. Quote request id ${String(request.id)} when reporting it.`,
      },
    ],
  };
}

interface RouteSpec {
  method: 'GET' | 'POST';
  /** The resource without its format: `/services/:service_code` serves `.json`, `.xml` and bare. */
  path: string;
  summary: string;
  params?: TObject;
  querystring?: TSchema;
  body?: TSchema;
  response: TSchema;
  status?: number;
  handle: (request: FastifyRequest) => Promise<Result> | Result;
}

/**
 * Open311 GeoReport v2 under /open311/v2, in its own encapsulated scope: form bodies, and errors and
 * unknown paths answered in GeoReport's `errors` shape (JSON or XML, as the URL asks) rather than the
 * API's problem+json. No session is involved: callers are other platforms, named by api_key or
 * jurisdiction_id.
 */
export function registerOpen311Routes(fastify: FastifyInstance, g: Governance): void {
  fastify.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      // No form-body plugin is installed; URLSearchParams reads the format exactly (UTF-8, `+` as space).
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: MAX_FORM_BYTES },
        (_request, body, done) => done(null, parseForm(body as string)),
      );
      scope.setErrorHandler((error: FastifyError & { validation?: ErrorObject[] }, request, reply) => {
        const { status, errors } = errorsOf(error, request);
        return send(reply, formatOf(request), { root: 'errors', value: errors, status });
      });
      scope.setNotFoundHandler((request, reply) =>
        send(reply, formatOf(request), {
          root: 'errors',
          status: 404,
          value: [{ code: 404, description: `No Open311 resource at ${request.url.split('?')[0] ?? ''}` }],
        }),
      );

      const routes: RouteSpec[] = [
        {
          method: 'GET',
          path: '/discovery',
          summary: 'Service discovery: the GeoReport v2 endpoint and its formats',
          response: schemas.Discovery,
          handle: (request) => ({
            root: 'discovery',
            value: open311.discovery(
              `${request.protocol}://${request.host}${OPEN311_PREFIX}`,
              localeOf(request),
            ),
          }),
        },
        {
          method: 'GET',
          path: '/services',
          summary: 'Services: one per event category (names in Chinese, or English with locale=en)',
          querystring: schemas.ReadQuery,
          response: Type.Array(schemas.Service),
          handle: async (request) => {
            await open311.resolveClient(g, credentialsOf(request), { requireKey: false });
            return { root: 'services', value: open311.listServices(localeOf(request)) };
          },
        },
        {
          method: 'GET',
          path: '/services/:service_code',
          summary: 'A service definition: the attributes a request may (or must) carry',
          params: schemas.ServiceCodeParams,
          querystring: schemas.ReadQuery,
          response: schemas.ServiceDefinition,
          handle: async (request) => {
            await open311.resolveClient(g, credentialsOf(request), { requireKey: false });
            const { service_code: code } = request.params as { service_code: string };
            return {
              root: 'service_definition',
              value: open311.getServiceDefinition(code, localeOf(request)),
            };
          },
        },
        {
          method: 'POST',
          path: '/requests',
          summary: 'Submit a request (form body with api_key); answers the case number',
          body: schemas.RequestForm,
          response: Type.Array(schemas.PostedRequest),
          status: 201,
          handle: async (request) => {
            const form = (request.body ?? {}) as FormFields;
            const client = await open311.resolveClient(g, credentialsOf(request, form), { requireKey: true });
            const value = await open311.submitRequest(g, client, form, localeOf(request, form));
            return { root: 'service_requests', value, status: 201 };
          },
        },
        {
          method: 'GET',
          path: '/requests',
          summary: 'Requests by ids or filters (default: the last 90 days, at most 1,000; page/page_size)',
          querystring: schemas.RequestsQuery,
          response: Type.Array(schemas.ServiceRequest),
          handle: async (request) => {
            const client = await open311.resolveClient(g, credentialsOf(request), { requireKey: false });
            const value = await open311.listRequests(
              g,
              client,
              request.query as open311.RequestQuery,
              localeOf(request),
            );
            return { root: 'service_requests', value };
          },
        },
        {
          method: 'GET',
          path: '/requests/:service_request_id',
          summary: 'One request, as a list of one',
          params: schemas.RequestIdParams,
          querystring: schemas.ReadQuery,
          response: Type.Array(schemas.ServiceRequest),
          handle: async (request) => {
            const client = await open311.resolveClient(g, credentialsOf(request), { requireKey: false });
            const { service_request_id: id } = request.params as { service_request_id: string };
            return {
              root: 'service_requests',
              value: await open311.getRequest(g, client, id, localeOf(request)),
            };
          },
        },
        {
          method: 'GET',
          path: '/tokens/:token',
          summary: 'The request a token became',
          params: schemas.TokenParams,
          querystring: schemas.ReadQuery,
          response: Type.Array(schemas.Token),
          handle: async (request) => {
            const client = await open311.resolveClient(g, credentialsOf(request), { requireKey: false });
            const { token } = request.params as { token: string };
            return { root: 'service_requests', value: await open311.getToken(g, client, token) };
          },
        },
        {
          method: 'GET',
          path: '/servicerequestupdates',
          summary: 'Updates extension: case timeline entries, oldest first',
          querystring: schemas.UpdatesQuery,
          response: Type.Array(schemas.ServiceRequestUpdate),
          handle: async (request) => {
            const client = await open311.resolveClient(g, credentialsOf(request), { requireKey: false });
            const value = await open311.listUpdates(
              g,
              client,
              request.query as open311.UpdateQuery,
              localeOf(request),
            );
            return { root: 'service_request_updates', value };
          },
        },
        {
          method: 'POST',
          path: '/servicerequestupdates',
          summary: 'Updates extension: add a note to a request’s timeline (form body with api_key)',
          body: schemas.UpdateForm,
          response: Type.Array(schemas.ServiceRequestUpdate),
          status: 201,
          handle: async (request) => {
            const form = (request.body ?? {}) as FormFields;
            const client = await open311.resolveClient(g, credentialsOf(request, form), { requireKey: true });
            const value = await open311.addUpdate(g, client, form, localeOf(request, form));
            return { root: 'service_request_updates', value, status: 201 };
          },
        },
      ];

      for (const spec of routes)
        for (const withFormat of [true, false]) {
          const params = withFormat
            ? Type.Object({ ...(spec.params?.properties ?? {}), ...schemas.FormatParams.properties })
            : spec.params;
          const schema: FastifySchema & Record<string, unknown> = {
            tags: ['open311'],
            summary: spec.summary,
            // No session cookie: the api_key or jurisdiction_id parameter says who is calling.
            security: [],
            produces: ['application/json', 'text/xml'],
            ...(spec.body ? { body: spec.body, consumes: ['application/x-www-form-urlencoded'] } : {}),
            ...(params ? { params } : {}),
            ...(spec.querystring ? { querystring: spec.querystring } : {}),
            response: {
              [spec.status ?? 200]: spec.response,
              '4xx': schemas.Open311Errors,
              '5xx': schemas.Open311Errors,
            },
            // The bare path (JSON) is an alias; the documented form names the format.
            ...(withFormat ? {} : { hide: true }),
          };
          scope.route({
            method: spec.method,
            url: withFormat ? `${spec.path}.:format` : spec.path,
            schema,
            // A POST with no body at all is a form without fields: it lacks api_key (403), not a body.
            ...(spec.body
              ? {
                  preValidation: (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
                    request.body ??= {};
                    done();
                  },
                }
              : {}),
            handler: async (request, reply) => send(reply, formatOf(request), await spec.handle(request)),
          });
        }
    },
    { prefix: OPEN311_PREFIX },
  );
}
