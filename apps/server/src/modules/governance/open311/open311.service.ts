import { CASE_STAGE_ZH, categoryOf, type CaseStage, type Severity } from '@jiedao/contracts/constants';
import { AppError, type FieldProblem } from '../../../platform/errors.js';
import { isUuid, newId } from '../../../platform/ids.js';
import type { SourceInfo } from '../directory.js';
import type { Governance } from '../governance.js';
import type { SlaBook } from '../sla.js';
import { hashApiKey } from '../sources.js';
import {
  checkAttributes,
  describeAnswers,
  findService,
  listServices as catalogue,
  publicDescription,
  serviceDefinition,
  serviceName,
  serviceNotice,
  type Locale,
  type Open311Service,
  type Open311ServiceDefinition,
} from './open311-catalogue.js';
import {
  attributeFields,
  parseList,
  parseW3cDateTime,
  redactContacts,
  type FormFields,
} from './open311-params.js';
import * as repo from './open311.repository.js';

/**
 * GeoReport v2 over the command center. A request is one more intake message (from the tenant's
 * Open311 source, in the resident-report shape), so it is correlated, numbered and timed like any
 * report; its service_request_id is the case number. Reads show residents' requests only (see
 * PUBLIC_MAPPINGS) and never a reporter's name, phone or e-mail.
 */

/** Who is calling: the tenant, and the source when an api_key was given. */
export interface Open311Client {
  tenantId: string;
  tenantCode: string;
  source?: SourceInfo;
}

export interface Credentials {
  jurisdictionId?: string;
  apiKey?: string;
}

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** When this endpoint's behaviour last changed (GeoReport discovery's changeset). */
export const CHANGESET = '2026-11-29T00:00:00+08:00';
const DAY_MS = 86_400_000;
/** GeoReport's default window and the longest a start_date/end_date pair may span. */
const MAX_SPAN_MS = 90 * DAY_MS;
/** GeoReport's default cap on one response, and the largest page_size. */
export const MAX_PAGE_SIZE = 1000;
const MAX_IDS = 200;
/** The intake keeps 2,000 characters of a description; the attribute block shares them. */
const MAX_STORED_DESCRIPTION = 2000;

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', `${field} ${message}`, { errors: [{ field, message }] });
const problemsError = (problems: FieldProblem[]) =>
  new AppError('validation_failed', `${problems[0]!.field} ${problems[0]!.message}`, { errors: problems });
const missing = (what: string) => new AppError('not_found', what);

export function discovery(url: string, locale: Locale) {
  return {
    changeset: CHANGESET,
    contact:
      locale === 'en'
        ? 'The command center of your subdistrict (街道一体化指挥中心); its administrators answer API questions.'
        : '所在街道一体化指挥中心，由街道系统管理员答复接口问题。',
    key_service:
      locale === 'en'
        ? 'Ask the subdistrict’s administrator: an API key is issued once, with an Open311 event source.'
        : '向街道系统管理员申请：创建 Open311 事件源时签发 API 密钥（仅显示一次）。',
    endpoints: [
      {
        specification: SPECIFICATION,
        url,
        changeset: CHANGESET,
        type: 'production',
        formats: ['application/json', 'text/xml'],
      },
    ],
  };
}

/**
 * The tenant of a call. An api_key names its source and so its tenant (jurisdiction_id, if also
 * given, must agree); reads may name the tenant by jurisdiction_id alone. Writes need the key.
 */
export async function resolveClient(
  g: Governance,
  credentials: Credentials,
  options: { requireKey: boolean },
): Promise<Open311Client> {
  const { jurisdictionId, apiKey } = credentials;
  if (apiKey !== undefined && apiKey !== '') {
    const row = await repo.findSourceByApiKeyHash(g.ctx.db, hashApiKey(apiKey));
    if (!row) throw new AppError('forbidden', 'api_key is not valid');
    if (jurisdictionId && jurisdictionId !== row.tenantCode)
      throw new AppError('forbidden', `api_key is not valid for jurisdiction_id "${jurisdictionId}"`);
    const source = await g.directory.source(row.tenantId, row.code);
    if (!source?.enabled) throw new AppError('forbidden', 'The source of this api_key is disabled');
    return { tenantId: row.tenantId, tenantCode: row.tenantCode, source };
  }
  if (options.requireKey) throw new AppError('forbidden', 'api_key is required');
  if (!jurisdictionId) throw invalid('jurisdiction_id', 'is required (or an api_key)');
  const tenant = await g.directory.tenantByCode(jurisdictionId);
  if (!tenant) throw missing(`jurisdiction_id "${jurisdictionId}" was not found`);
  return { tenantId: tenant.id, tenantCode: tenant.code };
}

export function listServices(locale: Locale): Open311Service[] {
  return catalogue(locale);
}

export function getServiceDefinition(code: string, locale: Locale): Open311ServiceDefinition {
  const definition = serviceDefinition(code, locale);
  if (!definition) throw missing(`service_code "${code}" was not found`);
  return definition;
}

function statusOf(stage: string): 'open' | 'closed' {
  return (repo.CLOSED_STAGES as readonly string[]).includes(stage) ? 'closed' : 'open';
}

/** Only absolute http(s) URLs are media a client can fetch; our own attachment URLs need a session. */
function publicMedia(urls: unknown): string | null {
  const list = Array.isArray(urls) ? (urls as unknown[]) : [urls];
  const found = list.find((url): url is string => typeof url === 'string' && /^https?:\/\//i.test(url));
  return found ?? null;
}

function pageWindow(query: { page?: number; page_size?: number }) {
  const pageSize = query.page_size ?? MAX_PAGE_SIZE;
  const page = query.page ?? 1;
  return { limit: pageSize, offset: (page - 1) * pageSize };
}

/**
 * start_date/end_date as GeoReport reads them: both given, at most 90 days apart; one given, 90
 * days from (or up to) it; neither, the last 90 days.
 */
export function dateWindow(
  start: string | undefined,
  end: string | undefined,
  now: Date,
): { from: Date; to: Date } {
  const from = start === undefined ? undefined : parseW3cDateTime(start);
  const to = end === undefined ? undefined : parseW3cDateTime(end);
  const problems: FieldProblem[] = [];
  if (from === null)
    problems.push({ field: 'start_date', message: 'must be a W3C date-time with a time zone' });
  if (to === null) problems.push({ field: 'end_date', message: 'must be a W3C date-time with a time zone' });
  if (problems.length > 0) throw problemsError(problems);
  if (from && to) {
    if (to < from) throw invalid('end_date', 'is before start_date');
    if (to.getTime() - from.getTime() > MAX_SPAN_MS)
      throw invalid('end_date', 'may not be more than 90 days after start_date');
    return { from, to };
  }
  if (from) return { from, to: new Date(from.getTime() + MAX_SPAN_MS) };
  if (to) return { from: new Date(to.getTime() - MAX_SPAN_MS), to };
  return { from: new Date(now.getTime() - MAX_SPAN_MS), to: now };
}

function requestNumbers(value: string): string[] {
  const numbers = [...new Set(parseList(value))];
  if (numbers.length === 0) throw invalid('service_request_id', 'names no request');
  if (numbers.length > MAX_IDS) throw invalid('service_request_id', `may list at most ${MAX_IDS} requests`);
  return numbers;
}

// Wire shapes are type aliases, not interfaces: only those fit XmlValue's index signature.
export type Open311Request = {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
};

function toRequest(
  row: repo.PublicCaseRow,
  agencies: string[],
  book: SlaBook,
  locale: Locale,
): Open311Request {
  const category = categoryOf(row.category);
  // Open311's own requests carry the attribute answers in the stored text; staff read them there.
  const description = row.channel === 'open311' ? publicDescription(row.description) : row.description;
  return {
    service_request_id: row.number,
    status: statusOf(row.stage),
    status_notes: row.statusNotes ? redactContacts(row.statusNotes) : null,
    service_name: category ? serviceName(category, locale) : row.category,
    service_code: row.category,
    description: description ? redactContacts(description) : null,
    agency_responsible: agencies.length > 0 ? agencies.join(locale === 'en' ? ', ' : '、') : null,
    service_notice: category
      ? serviceNotice(category, book.terms(row.category, row.severity as Severity), locale)
      : null,
    requested_datetime: row.createdAt.toISOString(),
    updated_datetime: row.updatedAt.toISOString(),
    expected_datetime: row.resolveDueAt?.toISOString() ?? null,
    address: row.address,
    address_id: row.buildingId,
    zipcode: null,
    lat: row.lat,
    long: row.lng,
    media_url: publicMedia(row.photos),
  };
}

async function toRequests(
  g: Governance,
  client: Open311Client,
  rows: repo.PublicCaseRow[],
  locale: Locale,
): Promise<Open311Request[]> {
  const [agencyRows, book] = await Promise.all([
    repo.listAgencies(
      g.ctx.db,
      client.tenantId,
      rows.map((row) => row.id),
    ),
    g.books.get(client.tenantId),
  ]);
  const agencies = new Map<string, string[]>();
  for (const { caseId, name } of agencyRows) {
    const names = agencies.get(caseId) ?? [];
    if (!names.includes(name)) names.push(name);
    agencies.set(caseId, names);
  }
  return rows.map((row) => toRequest(row, agencies.get(row.id) ?? [], book, locale));
}

export interface RequestQuery {
  service_request_id?: string;
  service_code?: string;
  start_date?: string;
  end_date?: string;
  status?: string;
  page?: number;
  page_size?: number;
}

/** GET requests: by ids (which override every other filter, as the spec says) or by filters. */
export async function listRequests(
  g: Governance,
  client: Open311Client,
  query: RequestQuery,
  locale: Locale,
  now = new Date(),
): Promise<Open311Request[]> {
  let filter: repo.RequestFilter;
  if (query.service_request_id !== undefined) {
    filter = { numbers: requestNumbers(query.service_request_id) };
  } else {
    const problems: FieldProblem[] = [];
    let categories: string[] | undefined;
    if (query.service_code !== undefined) {
      categories = [...new Set(parseList(query.service_code))];
      const unknown = categories.filter((code) => !findService(code));
      if (categories.length === 0) problems.push({ field: 'service_code', message: 'names no service' });
      else if (unknown.length > 0)
        problems.push({ field: 'service_code', message: `"${unknown.join('", "')}" is not a service here` });
    }
    let status: 'open' | 'closed' | undefined;
    if (query.status !== undefined) {
      const statuses = new Set(parseList(query.status));
      const unknown = [...statuses].filter((value) => value !== 'open' && value !== 'closed');
      if (statuses.size === 0 || unknown.length > 0)
        problems.push({ field: 'status', message: 'must be open, closed or both (comma-separated)' });
      else if (statuses.size === 1) status = [...statuses][0] as 'open' | 'closed';
    }
    if (problems.length > 0) throw problemsError(problems);
    filter = { categories, status, ...dateWindow(query.start_date, query.end_date, now) };
  }
  const rows = await repo.listPublicCases(g.ctx.db, client.tenantId, filter, pageWindow(query));
  return toRequests(g, client, rows, locale);
}

/** GET requests/{id}: a list of one, as the spec has it; 404 for an unknown or non-public case. */
export async function getRequest(
  g: Governance,
  client: Open311Client,
  number: string,
  locale: Locale,
): Promise<Open311Request[]> {
  const rows = await repo.listPublicCases(
    g.ctx.db,
    client.tenantId,
    { numbers: [number] },
    { limit: 1, offset: 0 },
  );
  if (rows.length === 0) throw missing(`service_request_id "${number}" was not found`);
  return toRequests(g, client, rows, locale);
}

/** GET tokens/{token}: the request a token became (null while it has no case). */
export async function getToken(
  g: Governance,
  client: Open311Client,
  token: string,
): Promise<Array<{ service_request_id: string | null; token: string }>> {
  const row = isUuid(token) ? await repo.findTokenCase(g.ctx.db, client.tenantId, token) : undefined;
  if (!row) throw missing(`token "${token}" was not found`);
  return [{ service_request_id: row.number ?? null, token }];
}

/** A form field as one trimmed value; empty counts as absent. Repeats were refused by the schema. */
function field(form: FormFields, name: string): string | undefined {
  const value = form[name];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text === '' ? undefined : text;
}

function checkMediaUrl(value: string | undefined, problems: FieldProblem[]): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || value.length > 500) {
    problems.push({ field: 'media_url', message: 'must be an http(s) URL of at most 500 characters' });
    return undefined;
  }
  return url.toString();
}

function coordinate(value: string, field: 'lat' | 'long', limit: number, problems: FieldProblem[]) {
  const number = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || Math.abs(number) > limit) {
    problems.push({ field, message: `must be a WGS84 ${field === 'lat' ? 'latitude' : 'longitude'}` });
    return undefined;
  }
  return number;
}

/** Latin names read "first last"; Chinese ones family name first, unspaced (张 + 三 → 张三). */
function fullName(first: string | undefined, last: string | undefined): string | undefined {
  if (!first && !last) return undefined;
  const latin = /^[\p{Script=Latin}\s.'-]+$/u;
  if ((first === undefined || latin.test(first)) && (last === undefined || latin.test(last)))
    return [first, last].filter(Boolean).join(' ');
  return `${last ?? ''}${first ?? ''}`;
}

export type PostedRequest =
  | { service_request_id: string; service_notice: string; account_id: string | null }
  | { token: string; service_notice: string; account_id: string | null };

/**
 * POST requests: checks the form against the service definition, then submits it to the intake as
 * a resident report from the key's source. The intake answers once the case is committed, so the
 * case number comes back at once; a token is only needed if no case was opened.
 */
export async function submitRequest(
  g: Governance,
  client: Open311Client,
  form: FormFields,
  locale: Locale,
  receivedAt = new Date(),
): Promise<PostedRequest[]> {
  const source = client.source;
  if (!source) throw new AppError('forbidden', 'api_key is required');
  const serviceCode = field(form, 'service_code');
  if (!serviceCode) throw invalid('service_code', 'is required');
  const category = findService(serviceCode);
  if (!category) throw missing(`service_code "${serviceCode}" was not found`);

  const problems: FieldProblem[] = [];
  const latText = field(form, 'lat');
  const longText = field(form, 'long');
  let location: { lng: number; lat: number } | undefined;
  if (latText !== undefined || longText !== undefined) {
    if (latText === undefined) problems.push({ field: 'lat', message: 'is required with long' });
    else if (longText === undefined) problems.push({ field: 'long', message: 'is required with lat' });
    else {
      const lat = coordinate(latText, 'lat', 90, problems);
      const lng = coordinate(longText, 'long', 180, problems);
      if (lat !== undefined && lng !== undefined) location = { lng, lat };
    }
  }
  let address = field(form, 'address_string');
  // Lengths in UTF-16 units, as the intake's mapping cuts them: what passes here is kept whole.
  if (address !== undefined && address.length > 300)
    problems.push({ field: 'address_string', message: 'must be at most 300 characters' });
  const addressId = field(form, 'address_id');
  if (addressId !== undefined) {
    const building = isUuid(addressId)
      ? await repo.findBuilding(g.ctx.db, client.tenantId, addressId)
      : undefined;
    if (!building) problems.push({ field: 'address_id', message: `"${addressId}" is not an address here` });
    // The building's own address lets the intake attach the case to the building (and its grid).
    else address = building.address;
  }
  if (!location && latText === undefined && longText === undefined && address === undefined && !addressId)
    problems.push({ field: 'lat', message: '(with long), address_string or address_id is required' });

  const { answers, problems: attributeProblems } = checkAttributes(category.code, attributeFields(form));
  problems.push(...attributeProblems);
  const answersText = describeAnswers(answers);
  const description = field(form, 'description');
  const room = MAX_STORED_DESCRIPTION - (answersText ? answersText.length + 2 : 0);
  if (description !== undefined && description.length > room)
    problems.push({ field: 'description', message: `must be at most ${room} characters` });
  const mediaUrl = checkMediaUrl(field(form, 'media_url'), problems);
  const name = fullName(field(form, 'first_name'), field(form, 'last_name'));
  if (name !== undefined && name.length > 50)
    problems.push({ field: 'last_name', message: 'with first_name must be at most 50 characters' });
  const phone = field(form, 'phone');
  if (phone !== undefined && !/^\+?[\d\s-]{5,20}$/.test(phone))
    problems.push({ field: 'phone', message: 'must be a phone number' });
  // E-mail is checked but not kept: cases have no e-mail column, and staff call back by phone.
  const email = field(form, 'email');
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    problems.push({ field: 'email', message: 'must be an e-mail address' });
  const accountId = field(form, 'account_id');
  if (accountId !== undefined && accountId.length > 100)
    problems.push({ field: 'account_id', message: 'must be at most 100 characters' });
  if (problems.length > 0) throw problemsError(problems);

  const firstLine = description?.split('\n')[0]?.trim();
  const payload = {
    // A fresh id per POST: GeoReport has no idempotency key, so a retried POST is a new request.
    id: newId(),
    category: category.code,
    title: firstLine ? Array.from(firstLine).slice(0, 60).join('') : category.zh,
    description: [description, answersText].filter(Boolean).join('\n\n') || undefined,
    location,
    address,
    photos: mediaUrl ? [mediaUrl] : undefined,
    reporter: name || phone ? { name, phone } : undefined,
  };
  const outcome = await g.intake.submitOne({
    tenantId: client.tenantId,
    source,
    payload,
    // What is kept for audit and replay is the request as submitted — never the api_key.
    rawText: JSON.stringify(payload),
    contentType: 'application/json',
    receivedAt,
  });
  const notice = serviceNotice(
    category,
    (await g.books.get(client.tenantId)).terms(category.code, category.severity),
    locale,
  );
  const account = accountId ?? null;
  switch (outcome.status) {
    case 'accepted':
      return outcome.caseNumber
        ? [{ service_request_id: outcome.caseNumber, service_notice: notice, account_id: account }]
        : [{ token: outcome.eventId, service_notice: notice, account_id: account }];
    case 'duplicate':
      if (outcome.eventId) return [{ token: outcome.eventId, service_notice: notice, account_id: account }];
      break;
    case 'dead_letter':
      throw new AppError('validation_failed', `The request could not be used: ${outcome.reason}`);
    default:
      break;
  }
  throw new Error(`unexpected intake outcome "${outcome.status}" for an Open311 request`);
}

export type Open311Update = {
  update_id: string;
  service_request_id: string;
  status: 'open' | 'closed';
  updated_datetime: string;
  description: string;
  media_url: string | null;
};

const STAGE_EN = (stage: string) => stage.replaceAll('_', ' ');

function updateDescription(row: Pick<repo.UpdateRow, 'action' | 'note' | 'toStage'>, locale: Locale): string {
  // The creation entry's note names the intake source, which says nothing to a resident.
  if (row.action === 'created') return locale === 'en' ? 'Request received' : '诉求已登记';
  if (row.note) return redactContacts(row.note);
  if (row.toStage)
    return locale === 'en'
      ? `Stage: ${STAGE_EN(row.toStage)}`
      : `进入“${CASE_STAGE_ZH[row.toStage as CaseStage] ?? row.toStage}”环节`;
  return row.action;
}

function toUpdate(
  row: Pick<repo.UpdateRow, 'id' | 'number' | 'action' | 'note' | 'toStage' | 'data' | 'at' | 'stageAfter'>,
  locale: Locale,
): Open311Update {
  const data = row.data ?? {};
  return {
    update_id: row.id,
    service_request_id: row.number,
    status: statusOf(row.stageAfter ?? 'intake'),
    updated_datetime: row.at.toISOString(),
    description: updateDescription(row, locale),
    media_url: publicMedia(data.mediaUrl ?? data.photos),
  };
}

export interface UpdateQuery {
  service_request_id?: string;
  start_date?: string;
  end_date?: string;
  page?: number;
  page_size?: number;
}

/** GET servicerequestupdates: the timeline of public cases, oldest first, in the date window. */
export async function listUpdates(
  g: Governance,
  client: Open311Client,
  query: UpdateQuery,
  locale: Locale,
  now = new Date(),
): Promise<Open311Update[]> {
  const numbers =
    query.service_request_id === undefined ? undefined : requestNumbers(query.service_request_id);
  const window = dateWindow(query.start_date, query.end_date, now);
  const rows = await repo.listUpdates(g.ctx.db, client.tenantId, { numbers, ...window }, pageWindow(query));
  return rows.map((row) => toUpdate(row, locale));
}

/** POST servicerequestupdates: a note from the key's source on a public case's timeline. */
export async function addUpdate(
  g: Governance,
  client: Open311Client,
  form: FormFields,
  locale: Locale,
  at = new Date(),
): Promise<Open311Update[]> {
  const source = client.source;
  if (!source) throw new AppError('forbidden', 'api_key is required');
  const problems: FieldProblem[] = [];
  const number = field(form, 'service_request_id');
  if (!number) problems.push({ field: 'service_request_id', message: 'is required' });
  const description = field(form, 'description');
  if (!description) problems.push({ field: 'description', message: 'is required' });
  else if (Array.from(description).length > 2000)
    problems.push({ field: 'description', message: 'must be at most 2000 characters' });
  const mediaUrl = checkMediaUrl(field(form, 'media_url'), problems);
  if (problems.length > 0) throw problemsError(problems);
  const found = await repo.findPublicCase(g.ctx.db, client.tenantId, number!);
  if (!found) throw missing(`service_request_id "${number}" was not found`);
  const id = newId();
  // camelCase keys: JSON read back through Kysely's CamelCasePlugin comes back camelCased anyway.
  const data = { source: source.code, ...(mediaUrl ? { mediaUrl } : {}) };
  await repo.insertTimelineNote(g.ctx.db, {
    tenantId: client.tenantId,
    id,
    caseId: found.id,
    at,
    actorName: source.name,
    note: description!,
    data,
  });
  g.realtime?.publish(client.tenantId, 'case.updated', {
    id: found.id,
    number: found.number,
    stage: found.stage,
    move: 'note',
  });
  return [
    toUpdate(
      {
        id,
        number: found.number,
        action: 'note',
        note: description!,
        toStage: null,
        data,
        at,
        stageAfter: found.stage,
      },
      locale,
    ),
  ];
}
