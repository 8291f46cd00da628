import { Type, type TSchema } from 'typebox';
import { ATTRIBUTE_DATATYPES } from './open311-catalogue.js';
import { MAX_PAGE_SIZE } from './open311.service.js';

/**
 * Schemas of the GeoReport v2 routes, for OpenAPI and for checking parameters. They describe the
 * JSON form; the XML form carries the same fields as elements. Query and form schemas let unknown
 * parameters through on purpose: GeoReport clients send extras (JSONP callbacks, vendor fields)
 * and the spec expects them ignored.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = (description: string) => Type.Optional(Type.String({ description }));

export const FormatParams = Type.Object(
  { format: Type.Union([Type.Literal('json'), Type.Literal('xml')], { description: 'Response format' }) },
  { additionalProperties: false },
);

const TenantQuery = {
  jurisdiction_id: Text('The subdistrict (tenant) code; required unless api_key is given'),
  api_key: Text('An Open311 source’s API key; names the subdistrict'),
  locale: Text('en for English names and texts; Chinese otherwise (Accept-Language is honoured too)'),
};

const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, description: 'Paging extension: 1-based page' })),
  page_size: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      description: `Paging extension: requests per page (default and at most ${MAX_PAGE_SIZE})`,
    }),
  ),
};

export const ReadQuery = Type.Object(TenantQuery, { additionalProperties: true });

export const RequestsQuery = Type.Object(
  {
    ...TenantQuery,
    service_request_id: Text('Comma-separated case numbers; overrides every other filter'),
    service_code: Text('Comma-separated service codes'),
    start_date: Text('W3C date-time with time zone; at most 90 days before end_date'),
    end_date: Text('W3C date-time with time zone; default: the 90 days up to now'),
    status: Text('open, closed, or both comma-separated'),
    ...PageQuery,
  },
  { additionalProperties: true },
);

export const UpdatesQuery = Type.Object(
  {
    ...TenantQuery,
    service_request_id: Text('Comma-separated case numbers'),
    start_date: Text('W3C date-time with time zone'),
    end_date: Text('W3C date-time with time zone'),
    ...PageQuery,
  },
  { additionalProperties: true },
);

/** Form fields: each once; `attribute[code]` (or `attribute[code][]` for several values) besides. */
export const RequestForm = Type.Object(
  {
    api_key: Text('Required'),
    jurisdiction_id: Text('Optional; must be the api_key’s subdistrict'),
    service_code: Text('Required'),
    lat: Text('WGS84 latitude; with long, or give address_string or address_id'),
    long: Text('WGS84 longitude'),
    address_string: Text('Address as written'),
    address_id: Text('A building id of this subdistrict'),
    email: Text('Checked, not stored'),
    device_id: Text('Not stored'),
    account_id: Text('Echoed in the response'),
    first_name: Text('Stored with the case, never returned'),
    last_name: Text('Stored with the case, never returned'),
    phone: Text('Stored encrypted, never returned'),
    description: Text('What is wrong'),
    media_url: Text('http(s) URL of a photo'),
    locale: Text('en for English texts in the response'),
  },
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);

export const UpdateForm = Type.Object(
  {
    api_key: Text('Required'),
    jurisdiction_id: Text('Optional; must be the api_key’s subdistrict'),
    service_request_id: Text('Required: the case number'),
    description: Text('Required: the note'),
    media_url: Text('http(s) URL'),
    locale: Text('en for English texts in the response'),
  },
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);

export const ServiceCodeParams = Type.Object({ service_code: Type.String({ maxLength: 60 }) });
export const RequestIdParams = Type.Object({ service_request_id: Type.String({ maxLength: 60 }) });
export const TokenParams = Type.Object({ token: Type.String({ maxLength: 60 }) });

export const Discovery = Type.Object({
  changeset: Type.String(),
  contact: Type.String(),
  key_service: Type.String(),
  endpoints: Type.Array(
    Type.Object({
      specification: Type.String(),
      url: Type.String(),
      changeset: Type.String(),
      type: Type.String(),
      formats: Type.Array(Type.String()),
    }),
  ),
});

export const Service = Type.Object({
  service_code: Type.String(),
  service_name: Type.String(),
  description: Type.String(),
  metadata: Type.Boolean(),
  type: Type.Literal('realtime'),
  keywords: Type.String(),
  group: Type.String(),
});

export const ServiceDefinition = Type.Object({
  service_code: Type.String(),
  attributes: Type.Array(
    Type.Object({
      variable: Type.Boolean(),
      code: Type.String(),
      datatype: Type.Union(ATTRIBUTE_DATATYPES.map((datatype) => Type.Literal(datatype))),
      required: Type.Boolean(),
      datatype_description: Nullable(Type.String()),
      order: Type.Integer(),
      description: Type.String(),
      values: Type.Optional(Type.Array(Type.Object({ key: Type.String(), name: Type.String() }))),
    }),
  ),
});

export const PostedRequest = Type.Object({
  service_request_id: Type.Optional(Type.String()),
  token: Type.Optional(Type.String()),
  service_notice: Type.String(),
  account_id: Nullable(Type.String()),
});

export const Token = Type.Object({ service_request_id: Nullable(Type.String()), token: Type.String() });

export const ServiceRequest = Type.Object({
  service_request_id: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  status_notes: Nullable(Type.String()),
  service_name: Type.String(),
  service_code: Type.String(),
  description: Nullable(Type.String()),
  agency_responsible: Nullable(Type.String()),
  service_notice: Nullable(Type.String()),
  requested_datetime: Type.String({ format: 'date-time' }),
  updated_datetime: Type.String({ format: 'date-time' }),
  expected_datetime: Nullable(Type.String({ format: 'date-time' })),
  address: Nullable(Type.String()),
  address_id: Nullable(Type.String()),
  zipcode: Nullable(Type.String()),
  lat: Nullable(Type.Number()),
  long: Nullable(Type.Number()),
  media_url: Nullable(Type.String()),
});

export const ServiceRequestUpdate = Type.Object({
  update_id: Type.String(),
  service_request_id: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  updated_datetime: Type.String({ format: 'date-time' }),
  description: Type.String(),
  media_url: Nullable(Type.String()),
});

export const Open311Errors = Type.Array(Type.Object({ code: Type.Integer(), description: Type.String() }), {
  description: 'GeoReport errors; in XML <errors><error><code/><description/></error></errors>',
});
