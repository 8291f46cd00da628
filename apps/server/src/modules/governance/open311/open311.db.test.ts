import type { LightMyRequestResponse } from 'fastify';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisationUnchecked } from '../../identity/index.js';
import { createTestApp, createTestTenant, type TestApp } from '../../../testing/test-app.js';
import type { TestTenant } from '../../../testing/factories.js';
import { createTestBuilding, type TestBuilding } from '../../../testing/governance-factories.js';
import { ensureDefaultSources, signBody } from '../sources.js';

let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let building: TestBuilding;
let apiKey: string;
let otherApiKey: string;
let hotlineSecret: string;
let unitId: string;
let dispatcher: { cookie: string };
let staff: { cookie: string };

const BASE = '/open311/v2';
/** Personal data sent with requests; no response may contain any of it. */
const PERSONAL = { first_name: '小明', last_name: '王', phone: '13912345678', email: 'wang.xm@example.com' };
const responses: LightMyRequestResponse[] = [];

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTestTenant(t.ctx);
  other = await createTestTenant(t.ctx);
  const created = await ensureDefaultSources(t.ctx.db, t.ctx.cipher, tenant.id);
  apiKey = created.find((source) => source.code === 'open311')!.apiKey!;
  hotlineSecret = created.find((source) => source.code === 'hotline-12345')!.secret;
  otherApiKey = (await ensureDefaultSources(t.ctx.db, t.ctx.cipher, other.id)).find(
    (source) => source.code === 'open311',
  )!.apiKey!;
  building = await createTestBuilding(t.ctx, tenant, { community: 0, row: 0, name: '莲花新村7幢' });
  const unit = await createOrganisationUnchecked(t.ctx, tenant.id, {
    kind: 'department',
    name: '测试城管中队',
  });
  unitId = unit.id;
  await t.ctx.db
    .insertInto('dispatchUnit')
    .values({ tenantId: tenant.id, organisationId: unit.id, unitType: 'urban_management' })
    .execute();
  dispatcher = await t.signIn(tenant, ['dispatcher']);
  staff = await t.signIn(tenant, [{ role: 'department_staff', organisationId: unit.id }]);
});
afterAll(async () => {
  // Whatever was sent, nothing personal came back: not the name, the phone, nor the e-mail.
  expect(responses.length).toBeGreaterThan(30);
  for (const response of responses) {
    expect(response.body).not.toContain(`${PERSONAL.last_name}${PERSONAL.first_name}`);
    expect(response.body).not.toContain(PERSONAL.phone);
    expect(response.body).not.toContain(PERSONAL.email);
  }
  await t.close();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await t.app.inject({ method: 'GET', url: `${BASE}${path}`, headers });
  responses.push(response);
  return response;
}

async function post(
  path: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
) {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const item of Array.isArray(value) ? value : [value]) form.append(name, item);
  const response = await t.app.inject({
    method: 'POST',
    url: `${BASE}${path}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: form.toString(),
  });
  responses.push(response);
  return response;
}

interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

/**
 * Reads a response back with a conforming XML parser (saxes: well-formedness, entities, characters),
 * into elements with their text — enough to check GeoReport's element names and values.
 */
function parseXml(xml: string): XmlNode {
  const parser = new SaxesParser();
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const node: XmlNode = { name: tag.name, children: [], text: '' };
    stack.at(-1)?.children.push(node);
    root ??= node;
    stack.push(node);
  });
  parser.on('text', (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}

const jurisdiction = () => `jurisdiction_id=${tenant.code}`;
const child = (node: XmlNode, name: string) => node.children.find((candidate) => candidate.name === name);
const textOf = (node: XmlNode, name: string) => child(node, name)?.text;

type Request = Record<string, unknown> & { service_request_id: string; status: string };

/** Posts a noise report at the test building and returns its case number. */
async function report(extra: Record<string, string | string[]> = {}): Promise<string> {
  const response = await post('/requests.json', {
    api_key: apiKey,
    service_code: 'noise',
    lat: String(building.lat),
    long: String(building.lng),
    description: '楼下工地夜间施工',
    'attribute[time_of_day]': 'night',
    ...extra,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Array<{ service_request_id: string }>>()[0]!.service_request_id;
}

async function caseOf(number: string) {
  return t.ctx.db
    .selectFrom('govCase')
    .selectAll()
    .where('tenantId', '=', tenant.id)
    .where('number', '=', number)
    .executeTakeFirstOrThrow();
}

describe('discovery and services', () => {
  it('serves discovery in JSON (also without an extension) and in XML', async () => {
    const json = await get('/discovery.json');
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.json()).toMatchObject({
      changeset: expect.any(String) as unknown,
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: 'http://localhost:80/open311/v2',
          type: 'production',
          formats: ['application/json', 'text/xml'],
        },
      ],
    });
    expect((await get('/discovery')).json()).toEqual(json.json());
    const xml = await get('/discovery.xml');
    expect(xml.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(xml.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const root = parseXml(xml.body);
    expect(root.name).toBe('discovery');
    const endpoint = child(child(root, 'endpoints')!, 'endpoint')!;
    expect(textOf(endpoint, 'specification')).toBe('http://wiki.open311.org/GeoReport_v2');
    expect(child(endpoint, 'formats')!.children.map((format) => format.text)).toEqual([
      'application/json',
      'text/xml',
    ]);
  });

  it('lists one service per category, in Chinese or English, in JSON and XML', async () => {
    const json = await get(`/services.json?${jurisdiction()}`);
    expect(json.statusCode).toBe(200);
    const services = json.json<Array<Record<string, unknown>>>();
    expect(services.length).toBeGreaterThanOrEqual(20);
    expect(services.find((service) => service.service_code === 'noise')).toEqual({
      service_code: 'noise',
      service_name: '噪声扰民',
      description: expect.stringContaining('城管') as unknown,
      metadata: true,
      type: 'realtime',
      keywords: expect.stringContaining('噪音') as unknown,
      group: '突出问题联治',
    });
    const english = await get(`/services.json?${jurisdiction()}&locale=en`);
    expect(english.json<Array<{ service_code: string; service_name: string }>>()).toContainEqual(
      expect.objectContaining({ service_code: 'noise', service_name: 'Noise' }),
    );
    const byHeader = await get(`/services.json?${jurisdiction()}`, {
      'accept-language': 'en-GB,en;q=0.9,zh;q=0.5',
    });
    expect(byHeader.json()).toEqual(english.json());

    const xml = parseXml((await get(`/services.xml?${jurisdiction()}`)).body);
    expect(xml.name).toBe('services');
    expect(xml.children).toHaveLength(services.length);
    const noise = xml.children.find((service) => textOf(service, 'service_code') === 'noise')!;
    expect(noise.name).toBe('service');
    expect(textOf(noise, 'service_name')).toBe('噪声扰民');
    expect(textOf(noise, 'metadata')).toBe('true');
    expect(textOf(noise, 'type')).toBe('realtime');
  });

  it('needs jurisdiction_id or an api_key to know the subdistrict', async () => {
    const missing = await get('/services.json');
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual([
      { code: 400, description: expect.stringContaining('jurisdiction_id') as unknown },
    ]);
    const unknown = await get('/services.json?jurisdiction_id=nowhere');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<Array<{ description: string }>>()[0]!.description).toContain('nowhere');
    const keyed = await get(`/services.json?api_key=${encodeURIComponent(apiKey)}`);
    expect(keyed.statusCode).toBe(200);
    const badKey = await get('/services.xml?api_key=not-a-key');
    expect(badKey.statusCode).toBe(403);
    const error = parseXml(badKey.body);
    expect(error.name).toBe('errors');
    expect(textOf(child(error, 'error')!, 'code')).toBe('403');
    expect(textOf(child(error, 'error')!, 'description')).toContain('api_key');
  });

  it('defines a service’s attributes, and answers 404 for an unknown service', async () => {
    const definition = await get(`/services/noise.json?${jurisdiction()}`);
    expect(definition.statusCode).toBe(200);
    const body = definition.json<{ service_code: string; attributes: Array<Record<string, unknown>> }>();
    expect(body.service_code).toBe('noise');
    expect(body.attributes[0]).toEqual({
      variable: true,
      code: 'time_of_day',
      datatype: 'singlevaluelist',
      required: true,
      datatype_description: null,
      order: 1,
      description: expect.any(String) as unknown,
      values: [
        { key: 'day', name: expect.stringContaining('白天') as unknown },
        { key: 'night', name: expect.stringContaining('夜间') as unknown },
      ],
    });
    expect(body.attributes.map((attribute) => attribute.code)).toContain('severity_hint');
    const parking = await get(`/services/illegal_parking.json?${jurisdiction()}&locale=en`);
    expect(parking.json<{ attributes: Array<Record<string, unknown>> }>().attributes).toContainEqual(
      expect.objectContaining({ code: 'plate', datatype: 'string', required: false }),
    );
    const elderly = await get(`/services/elderly_help.json?${jurisdiction()}`);
    expect(elderly.json<{ attributes: Array<Record<string, unknown>> }>().attributes).toContainEqual(
      expect.objectContaining({ code: 'resident_age', datatype: 'number' }),
    );

    const xml = parseXml((await get(`/services/noise.xml?${jurisdiction()}`)).body);
    expect(xml.name).toBe('service_definition');
    const first = child(child(xml, 'attributes')!, 'attribute')!;
    expect(textOf(first, 'code')).toBe('time_of_day');
    expect(textOf(first, 'required')).toBe('true');
    expect(child(first, 'datatype_description')!.children).toEqual([]);
    const value = child(child(first, 'values')!, 'value')!;
    expect(textOf(value, 'key')).toBe('day');
    expect(textOf(value, 'name')).toContain('白天');

    const unknown = await get(`/services/potholes.json?${jurisdiction()}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual([{ code: 404, description: 'service_code "potholes" was not found' }]);
    const unknownXml = await get(`/services/potholes.xml?${jurisdiction()}`);
    expect(unknownXml.statusCode).toBe(404);
    expect(parseXml(unknownXml.body).name).toBe('errors');
  });

  it('answers unknown paths and formats in GeoReport’s error shape', async () => {
    const path = await get('/nothing.xml');
    expect(path.statusCode).toBe(404);
    expect(parseXml(path.body).name).toBe('errors');
    const format = await get(`/services.yaml?${jurisdiction()}`);
    expect(format.statusCode).toBe(400);
    expect(format.json<Array<{ description: string }>>()[0]!.description).toMatch(/^format /);
  });

  it('documents every endpoint in OpenAPI under the open311 tag, outside the session-guarded /api', async () => {
    const document = (await t.app.inject('/docs/json')).json<{
      paths: Record<string, Record<string, { tags?: string[]; security?: unknown[] }>>;
    }>();
    const paths = Object.keys(document.paths).filter((path) => path.startsWith('/open311/'));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/open311/v2/discovery.{format}',
        '/open311/v2/services.{format}',
        '/open311/v2/services/{service_code}.{format}',
        '/open311/v2/requests.{format}',
        '/open311/v2/requests/{service_request_id}.{format}',
        '/open311/v2/tokens/{token}.{format}',
        '/open311/v2/servicerequestupdates.{format}',
      ]),
    );
    for (const path of paths)
      for (const operation of Object.values(document.paths[path]!)) {
        expect(operation.tags).toEqual(['open311']);
        expect(operation.security).toEqual([]);
      }
  });
});

describe('POST requests', () => {
  it('opens a case in intake, in the right grid, and shows it open — without personal data', async () => {
    const response = await post('/requests.json', {
      api_key: apiKey,
      service_code: 'noise',
      lat: String(building.lat),
      long: String(building.lng),
      description: '楼下工地夜间施工，请联系13912345678',
      'attribute[time_of_day]': 'night',
      'attribute[noise_source]': 'construction',
      account_id: 'acct-42',
      media_url: 'https://img.example.org/noise.jpg',
      ...PERSONAL,
    });
    expect(response.statusCode).toBe(201);
    const [posted] = response.json<Array<Record<string, unknown>>>();
    expect(posted).toEqual({
      service_request_id: expect.stringMatching(/^\d{8}-\d{5}$/) as unknown,
      service_notice: expect.stringContaining('城管') as unknown,
      account_id: 'acct-42',
    });
    const number = posted!.service_request_id as string;
    const row = await caseOf(number);
    expect(row).toMatchObject({
      category: 'noise',
      stage: 'intake',
      gridId: building.gridId,
      communityId: building.communityId,
      reporterName: '王小明',
      photos: ['https://img.example.org/noise.jpg'],
    });
    expect(row.reporterPhoneEnc).not.toContain(PERSONAL.phone);
    // Staff read the answers in the case text.
    expect(row.description).toContain('【附加信息】时段：夜间（22:00–6:00）；噪声来源：建筑施工');

    const shown = await get(`/requests/${number}.json?${jurisdiction()}`);
    expect(shown.statusCode).toBe(200);
    const [request] = shown.json<Request[]>();
    expect(request).toMatchObject({
      service_request_id: number,
      status: 'open',
      status_notes: null,
      service_name: '噪声扰民',
      service_code: 'noise',
      description: '楼下工地夜间施工，请联系139****5678',
      agency_responsible: null,
      lat: building.lat,
      long: building.lng,
      media_url: 'https://img.example.org/noise.jpg',
      zipcode: null,
    });
    expect(Object.keys(request!)).toEqual([
      'service_request_id',
      'status',
      'status_notes',
      'service_name',
      'service_code',
      'description',
      'agency_responsible',
      'service_notice',
      'requested_datetime',
      'updated_datetime',
      'expected_datetime',
      'address',
      'address_id',
      'zipcode',
      'lat',
      'long',
      'media_url',
    ]);
    expect(Date.parse(request!.expected_datetime as string)).toBeGreaterThan(
      Date.parse(request!.requested_datetime as string),
    );

    const xml = parseXml((await get(`/requests/${number}.xml?${jurisdiction()}`)).body);
    expect(xml.name).toBe('service_requests');
    const element = child(xml, 'request')!;
    expect(textOf(element, 'service_request_id')).toBe(number);
    expect(textOf(element, 'status')).toBe('open');
    expect(child(element, 'status_notes')!.children).toEqual([]);
  });

  it('answers in XML when asked, and resolves address_id and address_string', async () => {
    const response = await post('/requests.xml', {
      api_key: apiKey,
      service_code: 'road_facility',
      address_id: building.id,
      'attribute[facility_type]': 'streetlight',
      description: '路灯 <不亮> & 闪烁',
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
    const number = textOf(child(parseXml(response.body), 'request')!, 'service_request_id')!;
    expect(await caseOf(number)).toMatchObject({
      buildingId: building.id,
      address: building.address,
      gridId: building.gridId,
      title: '路灯 <不亮> & 闪烁',
    });
    const [shown] = (await get(`/requests/${number}.json?${jurisdiction()}`)).json<Request[]>();
    expect(shown).toMatchObject({
      address_id: building.id,
      address: building.address,
      description: '路灯 <不亮> & 闪烁',
    });
    const shownXml = parseXml((await get(`/requests/${number}.xml?${jurisdiction()}`)).body);
    expect(textOf(child(shownXml, 'request')!, 'description')).toBe('路灯 <不亮> & 闪烁');

    const byText = await post('/requests.json', {
      api_key: apiKey,
      service_code: 'sanitation',
      address_string: `${building.address}门口`,
      'attribute[waste_type][]': ['household', 'odour'],
    });
    expect(byText.statusCode).toBe(201);
    const row = await caseOf(byText.json<Array<{ service_request_id: string }>>()[0]!.service_request_id);
    expect(row).toMatchObject({ buildingId: building.id, gridId: building.gridId, category: 'sanitation' });
    expect(row.description).toContain('问题类型：生活垃圾、异味');
  });

  it('refuses a missing or unknown api_key with 403, and another subdistrict’s key for this jurisdiction', async () => {
    const fields = { service_code: 'noise', lat: String(building.lat), long: String(building.lng) };
    const none = await post('/requests.json', fields);
    expect(none.statusCode).toBe(403);
    expect(none.json()).toEqual([{ code: 403, description: 'api_key is required' }]);
    const empty = await t.app.inject({ method: 'POST', url: `${BASE}/requests.json` });
    responses.push(empty);
    expect(empty.statusCode).toBe(403);
    const wrong = await post('/requests.xml', { ...fields, api_key: 'guess' });
    expect(wrong.statusCode).toBe(403);
    expect(textOf(child(parseXml(wrong.body), 'error')!, 'code')).toBe('403');
    const crossed = await post('/requests.json', {
      ...fields,
      api_key: otherApiKey,
      jurisdiction_id: tenant.code,
    });
    expect(crossed.statusCode).toBe(403);
  });

  it('answers 404 for an unknown service and 400 naming each bad or missing parameter', async () => {
    const unknown = await post('/requests.json', {
      api_key: apiKey,
      service_code: 'potholes',
      address_string: 'x',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual([{ code: 404, description: 'service_code "potholes" was not found' }]);

    const noCode = await post('/requests.json', { api_key: apiKey, address_string: 'x' });
    expect(noCode.json()).toEqual([{ code: 400, description: 'service_code is required' }]);

    const required = await post('/requests.json', {
      api_key: apiKey,
      service_code: 'noise',
      lat: String(building.lat),
      long: String(building.lng),
    });
    expect(required.statusCode).toBe(400);
    expect(required.json()).toEqual([{ code: 400, description: 'attribute[time_of_day] is required' }]);

    const many = await post('/requests.xml', {
      api_key: apiKey,
      service_code: 'elderly_help',
      lat: '95',
      long: String(building.lng),
      'attribute[help_type]': 'spaceship',
      'attribute[resident_age]': 'eighty',
      'attribute[colour]': 'red',
      media_url: 'ftp://example.org/a.jpg',
    });
    expect(many.statusCode).toBe(400);
    const descriptions = parseXml(many.body).children.map((error) => textOf(error, 'description'));
    expect(descriptions).toEqual(
      expect.arrayContaining([
        'lat must be a WGS84 latitude',
        'attribute[colour] is not an attribute of service elderly_help',
        'attribute[help_type] "spaceship" is not one of meals, medical, daily_care, check_on, other',
        'attribute[resident_age] must be a number',
        'media_url must be an http(s) URL of at most 500 characters',
      ]),
    );

    const nowhere = await post('/requests.json', { api_key: apiKey, service_code: 'sanitation' });
    expect(nowhere.json<Array<{ description: string }>>()[0]!.description).toBe(
      'lat (with long), address_string or address_id is required',
    );
    const plate = await post('/requests.json', {
      api_key: apiKey,
      service_code: 'illegal_parking',
      address_string: building.address,
      'attribute[plate]': 'hello',
    });
    expect(plate.json<Array<{ description: string }>>()[0]!.description).toContain('attribute[plate]');
    const twice = await post('/requests.json', {
      api_key: apiKey,
      service_code: 'sanitation',
      address_string: building.address,
      description: ['a', 'b'],
    });
    expect(twice.json<Array<{ description: string }>>()[0]!.description).toMatch(/^description /);
  });

  it('accepts only form bodies', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: `${BASE}/requests.json`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ api_key: apiKey, service_code: 'noise' }),
    });
    responses.push(response);
    expect(response.statusCode).toBe(415);
    expect(response.json<Array<{ code: number }>>()[0]!.code).toBe(415);
  });

  it('resolves the token of a request to its case number', async () => {
    const number = await report();
    const row = await caseOf(number);
    const event = await t.ctx.db
      .selectFrom('govEvent')
      .select('id')
      .where('tenantId', '=', tenant.id)
      .where('incidentId', '=', row.incidentId)
      .executeTakeFirstOrThrow();
    const token = await get(`/tokens/${event.id}.json?${jurisdiction()}`);
    expect(token.json()).toEqual([{ service_request_id: number, token: event.id }]);
    const xml = parseXml((await get(`/tokens/${event.id}.xml?${jurisdiction()}`)).body);
    expect(textOf(child(xml, 'request')!, 'token')).toBe(event.id);
    expect((await get(`/tokens/${event.id}.json?jurisdiction_id=${other.code}`)).statusCode).toBe(404);
    expect((await get(`/tokens/nope.json?${jurisdiction()}`)).statusCode).toBe(404);
  });
});

describe('GET requests', () => {
  let noise: string;
  let parking: string;
  let old: string;
  let hotline: string;

  beforeAll(async () => {
    noise = await report();
    const posted = await post('/requests.json', {
      api_key: apiKey,
      service_code: 'illegal_parking',
      lat: String(building.lat),
      long: String(building.lng),
      'attribute[plate]': '浙A·12345',
    });
    parking = posted.json<Array<{ service_request_id: string }>>()[0]!.service_request_id;
    expect((await caseOf(parking)).description).toContain('车牌号码：浙A12345');
    old = await report();
    await t.ctx.db
      .updateTable('govCase')
      .set({ createdAt: new Date(Date.now() - 100 * 86_400_000) })
      .where('tenantId', '=', tenant.id)
      .where('number', '=', old)
      .execute();
    // A 12345 hand-off is a resident's request too, and so shown.
    const body = JSON.stringify({
      ticketNo: 'T-311',
      acceptTime: new Date().toISOString(),
      content: '小区路灯不亮',
      category: '道路设施',
      address: building.address,
      callerName: PERSONAL.last_name + PERSONAL.first_name,
      callerPhone: PERSONAL.phone,
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const webhook = await t.app.inject({
      method: 'POST',
      url: `/api/intake/${tenant.code}/hotline-12345`,
      headers: {
        'content-type': 'application/json',
        'x-jiedao-timestamp': timestamp,
        'x-jiedao-signature': signBody(hotlineSecret, timestamp, body),
      },
      payload: body,
    });
    hotline = webhook.json<{ caseNumber: string }>().caseNumber;
  });

  const list = async (query: string) => {
    const response = await get(`/requests.json?${jurisdiction()}${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Request[]>().map((request) => request.service_request_id);
  };

  it('defaults to the last 90 days, newest first', async () => {
    const numbers = await list('');
    expect(numbers).toEqual(expect.arrayContaining([noise, parking, hotline]));
    expect(numbers).not.toContain(old);
    expect(numbers.indexOf(hotline)).toBeLessThan(numbers.indexOf(noise));
  });

  it('filters by ids (overriding the rest), service codes, status and dates', async () => {
    expect(await list(`&service_request_id=${old},${parking}&status=closed`)).toEqual([parking, old]);
    const parkingOnly = await list('&service_code=illegal_parking');
    expect(parkingOnly).toContain(parking);
    expect(parkingOnly).not.toContain(noise);
    expect(await list('&service_code=illegal_parking,noise&status=closed')).toEqual([]);
    expect(await list('&status=open,closed')).toEqual(await list(''));
    const start = new Date(Date.now() - 101 * 86_400_000).toISOString();
    const end = new Date(Date.now() - 99 * 86_400_000).toISOString().replace('Z', '+00:00');
    expect(
      await list(`&start_date=${encodeURIComponent(start)}&end_date=${encodeURIComponent(end)}`),
    ).toEqual([old]);
    expect(await list(`&end_date=${encodeURIComponent(end)}`)).toEqual([old]);
    expect(await list(`&start_date=${encodeURIComponent(start)}`)).toEqual([old]);
  });

  it('pages with page and page_size', async () => {
    const all = await list('');
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(await list('&page_size=2')).toEqual(all.slice(0, 2));
    expect(await list('&page_size=2&page=2')).toEqual(all.slice(2, 4));
    const tooBig = await get(`/requests.json?${jurisdiction()}&page_size=5000`);
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json<Array<{ description: string }>>()[0]!.description).toMatch(/^page_size /);
  });

  it('answers 400 naming a bad filter', async () => {
    const bad = async (query: string, parameter: string) => {
      const response = await get(`/requests.json?${jurisdiction()}${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(
        response.json<Array<{ description: string }>>()[0]!.description.startsWith(parameter),
        query,
      ).toBe(true);
    };
    await bad('&status=pending', 'status');
    await bad('&service_code=potholes', 'service_code');
    await bad('&start_date=yesterday', 'start_date');
    await bad('&start_date=2026-02-30T00:00:00Z', 'start_date');
    await bad('&end_date=2026-01-01T00:00:00', 'end_date');
    await bad('&start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z', 'end_date');
  });

  it('never shows another subdistrict’s request, nor the command center’s internal cases', async () => {
    expect((await get(`/requests/${noise}.json?jurisdiction_id=${other.code}`)).statusCode).toBe(404);
    const keyed = await get(`/requests/${noise}.xml?api_key=${encodeURIComponent(otherApiKey)}`);
    expect(keyed.statusCode).toBe(404);
    expect(parseXml(keyed.body).name).toBe('errors');
    expect(await list(`&service_request_id=${noise}`)).toEqual([noise]);
    const police = await t.ctx.db
      .selectFrom('eventSource')
      .select('id')
      .where('tenantId', '=', tenant.id)
      .where('code', '=', 'police-110')
      .executeTakeFirstOrThrow();
    const internal = await report();
    await t.ctx.db
      .updateTable('govCase')
      .set({ sourceId: police.id })
      .where('tenantId', '=', tenant.id)
      .where('number', '=', internal)
      .execute();
    expect((await get(`/requests/${internal}.json?${jurisdiction()}`)).statusCode).toBe(404);
    expect(await list('')).not.toContain(internal);
    const [shown] = (await get(`/requests/${hotline}.json?${jurisdiction()}`)).json<Request[]>();
    expect(shown).toMatchObject({ service_code: 'road_facility', description: '小区路灯不亮' });
  });

  it('shows a request moved to closed by the case service as closed, with the last note and the units', async () => {
    const caseId = (await caseOf(noise)).id;
    const move = async (cookie: string, url: string, body: Record<string, unknown>) => {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/governance/cases/${caseId}${url}`,
        headers: { cookie, 'content-type': 'application/json' },
        payload: body,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ tasks: Array<{ id: string }> }>();
    };
    await move(dispatcher.cookie, '/moves', { move: 'accept' });
    const dispatched = await move(dispatcher.cookie, '/moves', {
      move: 'dispatch',
      targets: [{ organisationId: unitId }],
    });
    const taskId = dispatched.tasks[0]!.id;
    const [handling] = (await get(`/requests/${noise}.json?${jurisdiction()}`)).json<Request[]>();
    expect(handling).toMatchObject({ status: 'open', agency_responsible: '测试城管中队' });
    await move(staff.cookie, `/tasks/${taskId}`, { action: 'accept' });
    await move(staff.cookie, `/tasks/${taskId}`, { action: 'complete', result: '已责令停工' });
    await move(dispatcher.cookie, '/moves', { move: 'verify' });
    await move(dispatcher.cookie, '/moves', { move: 'close', note: '核查属实，施工已停止，结案' });
    const [closed] = (await get(`/requests/${noise}.json?${jurisdiction()}`)).json<Request[]>();
    expect(closed).toMatchObject({
      status: 'closed',
      status_notes: '核查属实，施工已停止，结案',
      agency_responsible: '测试城管中队',
    });
    expect(await list(`&status=closed`)).toContain(noise);
    expect(await list(`&status=open`)).not.toContain(noise);
  });
});

describe('service request updates', () => {
  it('lists a request’s timeline and takes notes from the key’s source', async () => {
    const number = await report();
    const before = await get(`/servicerequestupdates.json?${jurisdiction()}&service_request_id=${number}`);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual([
      {
        update_id: expect.any(String) as unknown,
        service_request_id: number,
        status: 'open',
        updated_datetime: expect.any(String) as unknown,
        description: '诉求已登记',
        media_url: null,
      },
    ]);

    const added = await post('/servicerequestupdates.json', {
      api_key: apiKey,
      service_request_id: number,
      description: '居民补充：今晚 23 点仍在施工',
      media_url: 'https://img.example.org/night.jpg',
    });
    expect(added.statusCode).toBe(201);
    const [update] = added.json<Array<Record<string, unknown>>>();
    expect(update).toMatchObject({
      service_request_id: number,
      status: 'open',
      description: '居民补充：今晚 23 点仍在施工',
      media_url: 'https://img.example.org/night.jpg',
    });
    const entry = await t.ctx.db
      .selectFrom('caseTimeline')
      .selectAll()
      .where('tenantId', '=', tenant.id)
      .where('id', '=', update!.update_id as string)
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ action: 'note', actorRole: 'open311', actorName: 'Open311 接口' });

    const caseId = (await caseOf(number)).id;
    const duplicateOf = (await caseOf(await report())).id;
    const merged = await t.app.inject({
      method: 'POST',
      url: `/api/governance/cases/${caseId}/moves`,
      headers: { cookie: dispatcher.cookie, 'content-type': 'application/json' },
      payload: { move: 'mark_duplicate', duplicateOf },
    });
    expect(merged.statusCode, merged.body).toBe(200);

    const after = await get(`/servicerequestupdates.xml?${jurisdiction()}&service_request_id=${number}`);
    const updates = parseXml(after.body);
    expect(updates.name).toBe('service_request_updates');
    expect(updates.children.map((node) => node.name)).toEqual([
      'request_update',
      'request_update',
      'request_update',
    ]);
    expect(updates.children.map((node) => textOf(node, 'status'))).toEqual(['open', 'open', 'closed']);
    expect(textOf(updates.children[1]!, 'media_url')).toBe('https://img.example.org/night.jpg');
    expect(textOf(updates.children[2]!, 'description')).toBe('进入“重复件”环节');

    const english = await get(
      `/servicerequestupdates.json?${jurisdiction()}&service_request_id=${number}&locale=en`,
    );
    expect(english.json<Array<{ description: string }>>().map((item) => item.description)).toEqual([
      'Request received',
      '居民补充：今晚 23 点仍在施工',
      'Stage: duplicate',
    ]);

    const window = await get(
      `/servicerequestupdates.json?${jurisdiction()}&start_date=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`,
    );
    expect(
      window.json<Array<{ service_request_id: string }>>().map((item) => item.service_request_id),
    ).toContain(number);
    const past = await get(
      `/servicerequestupdates.json?${jurisdiction()}&end_date=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}`,
    );
    expect(past.json()).toEqual([]);
  });

  it('refuses a note without api_key, description, or on another subdistrict’s request', async () => {
    const number = await report();
    expect(
      (await post('/servicerequestupdates.json', { service_request_id: number, description: 'x' }))
        .statusCode,
    ).toBe(403);
    const noText = await post('/servicerequestupdates.json', { api_key: apiKey, service_request_id: number });
    expect(noText.statusCode).toBe(400);
    expect(noText.json()).toEqual([{ code: 400, description: 'description is required' }]);
    const foreign = await post('/servicerequestupdates.json', {
      api_key: otherApiKey,
      service_request_id: number,
      description: '不是你的',
    });
    expect(foreign.statusCode).toBe(404);
    expect(
      (
        await get(`/servicerequestupdates.json?jurisdiction_id=${other.code}&service_request_id=${number}`)
      ).json(),
    ).toEqual([]);
  });
});
