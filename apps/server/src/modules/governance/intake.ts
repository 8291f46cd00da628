import {
  categoryOf,
  DEVICE_ALARM_CATEGORY,
  DEVICE_TYPE_ZH,
  type DeviceState,
  type SourceMapping,
} from '@jiedao/contracts/constants';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../platform/database/schema.js';
import { newId } from '../../platform/ids.js';
import { enqueueOutboxMany } from '../../platform/outbox/outbox.js';
import type { PiiCipher } from '../../platform/privacy/index.js';
import type { GridLocator } from '../places/index.js';
import { addTimeline, insertCases, type CreatedCase, type NewCase } from './case-records.js';
import type { DeviceInfo, Directory, SourceInfo } from './directory.js';
import { mapMessage, RAW_WITHOUT_PERSONAL_DATA, type NormalizedEvent } from './mappings.js';
import type { SlaBook, SlaBooks } from './sla.js';

/**
 * The one intake path of the command center. Webhooks, MQTT, Open311, staff entry and the mobile
 * page all submit here; a submission resolves only after its event is committed, so a caller
 * acknowledges (HTTP 202, MQTT PUBACK) nothing that is not persisted.
 *
 * Submissions queue and are processed in batches (group commit): while one batch's transaction runs,
 * the next accumulates. Each batch maps payloads to events, resolves devices and grids, correlates
 * (one open incident per device and category; alarm storms; repeats), and writes everything with a
 * handful of array statements in one transaction. Correlation state is kept in memory for speed and
 * guarded by partial unique indexes; if another process changed an incident meanwhile, the batch is
 * rolled back, the affected state reloaded, and the batch run again.
 */
export interface IntakeSubmission {
  tenantId: string;
  source: SourceInfo;
  topic?: string;
  /** The parsed payload; ignored when `rejectReason` is set. */
  payload: unknown;
  /** The message as received, kept (encrypted) for audit and dead-letter replay. */
  rawText: string;
  contentType?: string;
  receivedAt: Date;
  /** Already known to be unusable (malformed JSON, too large): goes straight to dead letters. */
  rejectReason?: string;
  /** A signed-in reporter (mobile page, staff entry). */
  reporterPersonId?: string;
  actor?: { accountId: string; name: string; role: string };
}

export type IntakeOutcome =
  | {
      status: 'accepted';
      eventId: string;
      incidentId: string | null;
      caseId: string | null;
      caseNumber: string | null;
    }
  | { status: 'duplicate'; eventId: string | null; incidentId: string | null }
  | { status: 'dead_letter'; deadLetterId: string; reason: string }
  | { status: 'unknown_device'; deviceCode: string }
  | { status: 'heartbeat' };

/** Outbox topic of a police traffic-accident record (parties, liability), for the insurance module. */
export const TRAFFIC_ACCIDENT_TOPIC = 'governance.traffic_accident';
/** Outbox topic of a case closed by the command center. */
export const CASE_CLOSED_TOPIC = 'governance.case_closed';

export interface RealtimePublisher {
  publish(tenantId: string, topic: string, data: unknown): void;
}

export interface IntakeOptions {
  maxBatch: number;
  /** Alarms from this many distinct devices of one building (or grid) within the window are a storm. */
  stormThreshold: number;
  stormWindowMs: number;
  /**
   * A device's `last_seen_at` is written when its state changes, and otherwise at most this often
   * (its messages in between change nothing but that time). Keep it well under the offline timeout.
   */
  deviceSeenWriteMs: number;
}

export const DEFAULT_INTAKE_OPTIONS: IntakeOptions = {
  maxBatch: 2000,
  stormThreshold: 5,
  stormWindowMs: 60_000,
  deviceSeenWriteMs: 60_000,
};

/** Sources whose reports wait for a dispatcher to accept them (and check for duplicates). */
const NEEDS_ACCEPTANCE: ReadonlySet<SourceMapping> = new Set(['resident_report', 'open311']);

interface Pending {
  submission: IntakeSubmission;
  resolve: (outcome: IntakeOutcome) => void;
  reject: (error: unknown) => void;
}

interface OpenIncident {
  id: string;
  caseId: string | null;
}

interface WorkItem {
  index: number;
  submission: IntakeSubmission;
  event: NormalizedEvent;
  eventId: string;
  device?: DeviceInfo;
  gridId: string | null;
  communityId: string | null;
  buildingId: string | null;
  lng: number | null;
  lat: number | null;
  /** Correlation key of the incident the event joins; reports have none (each is its own). */
  incidentKey?: string;
  incidentId: string | null;
  /** The gov_event row, built (and encrypted) before the write transaction; `n` is set by correlation. */
  row?: EventRow;
}

/** One gov_event row as a JSON object for `json_to_recordset` (short keys: a batch is one parameter). */
interface EventRow {
  t: string;
  i: string;
  s: string;
  m: string;
  k: string;
  c: string;
  sv: string;
  ti: string;
  de: string | null;
  x: number | null;
  y: number | null;
  a: string | null;
  g: string | null;
  co: string | null;
  b: string | null;
  d: string | null;
  n: string | null;
  p: unknown;
  /** The raw message, encrypted; or `rw`, as received, for sources that carry no personal data. */
  r: string | null;
  rw: string | null;
  pe: string | null;
  o: string;
  rc: string;
}

/** A batch mapped and routed, waiting for its turn to be correlated and written. */
interface PreparedBatch {
  batch: IntakeSubmission[];
  outcomes: Array<IntakeOutcome | undefined>;
  deadLetters: DeadLetterDraft[];
  unknown: Map<string, UnknownDeviceCount>;
  heartbeats: Map<string, Heartbeat>;
  items: WorkItem[];
}

interface DraftIncident {
  key: string;
  id: string;
  tenantId: string;
  storm: boolean;
  item: WorkItem;
  /** Open incidents (from the database) this storm absorbs. */
  absorbs: OpenIncident[];
}

/** Another writer changed incidents this batch relied on: roll back, reload, run again. */
/** Messages from one unregistered device code in a batch. */
interface UnknownDeviceCount {
  tenantId: string;
  sourceId: string;
  code: string;
  count: number;
  first: Date;
  last: Date;
  payload: string;
}

interface DeadLetterDraft {
  index: number;
  id: string;
  submission: IntakeSubmission;
  reason: string;
}

/** A device's state after a batch's messages. */
interface DeviceUpdate {
  tenantId: string;
  device: DeviceInfo;
  state: DeviceState;
  batteryLow: boolean;
  /** The device's own time of its latest message. */
  at: Date;
}

/** The latest heartbeat of a device in a batch. */
interface Heartbeat {
  tenantId: string;
  sourceId: string;
  device: DeviceInfo;
  /** The device's own time of the heartbeat. */
  at: Date;
  receivedAt: Date;
}

class RetryBatch extends Error {
  constructor() {
    super('incident state changed under the batch');
  }
}

const MAX_DEAD_LETTER_BYTES = 64 * 1024;
const YIELD_EVERY = 100;

function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class IntakePipeline {
  readonly #queue: Pending[] = [];
  #running: Promise<void> | undefined;
  #stopped = false;
  /** `${tenantId}|${deviceId}|${category}` → the open incident of that device and category. */
  readonly #openByDevice = new Map<string, OpenIncident>();
  /** `${tenantId}|storm|${scope}|${category}` → the open storm incident. */
  readonly #openStorms = new Map<string, OpenIncident>();
  readonly #loadedTenants = new Map<string, Promise<void>>();
  /** Storm detection: per scope and category, the last alarm time of each device. */
  readonly #windows = new Map<string, Map<string, number>>();
  readonly options: IntakeOptions;
  /** Counters for /metrics and the console. */
  readonly stats = {
    accepted: 0,
    duplicates: 0,
    deadLetters: 0,
    unknownDevices: 0,
    heartbeats: 0,
    batches: 0,
    retries: 0,
    /** Milliseconds spent mapping and routing, and in the write transactions (commit included). */
    mapMs: 0,
    writeMs: 0,
  };

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      directory: Directory;
      locator: GridLocator;
      books: SlaBooks;
      cipher: PiiCipher;
      log: FastifyBaseLogger;
      realtime?: RealtimePublisher;
      /** Woken after a batch that enqueued outbox events (police accident records for insurance). */
      outbox?: { poke(): void };
    },
    options: Partial<IntakeOptions> = {},
  ) {
    this.options = { ...DEFAULT_INTAKE_OPTIONS, ...options };
  }

  /** Queues messages; each promise resolves once its message is committed (or dead-lettered). */
  submit(submissions: IntakeSubmission[]): Promise<IntakeOutcome[]> {
    if (this.#stopped) return Promise.reject(new Error('intake is stopped'));
    const promises = submissions.map(
      (submission) =>
        new Promise<IntakeOutcome>((resolve, reject) => this.#queue.push({ submission, resolve, reject })),
    );
    this.#kick();
    return Promise.all(promises);
  }

  /** Messages waiting for a batch. */
  get queued(): number {
    return this.#queue.length;
  }

  submitOne(submission: IntakeSubmission): Promise<IntakeOutcome> {
    return this.submit([submission]).then((outcomes) => outcomes[0]!);
  }

  /** Finishes what is queued, then refuses new work. */
  async stop(): Promise<void> {
    this.#stopped = true;
    while (this.#running) await this.#running;
  }

  /** Forgets correlation state of a tenant (after incidents were resolved or merged elsewhere). */
  forgetTenant(tenantId: string): void {
    this.#loadedTenants.delete(tenantId);
    for (const map of [this.#openByDevice, this.#openStorms])
      for (const key of map.keys()) if (key.startsWith(`${tenantId}|`)) map.delete(key);
  }

  /** An incident was resolved or merged by a case move: stop attaching new events to it. */
  forgetIncident(incidentId: string): void {
    for (const map of [this.#openByDevice, this.#openStorms])
      for (const [key, open] of map) if (open.id === incidentId) map.delete(key);
  }

  /**
   * Runs the queue as a two-stage pipeline: while one batch is in its write transaction, the next is
   * mapped, routed and encrypted (which needs no correlation state), so the database and this
   * process work at the same time. Correlation and writes stay strictly one batch after another.
   */
  #kick(): void {
    if (this.#running) return;
    this.#running = (async () => {
      let writing: Promise<void> | undefined;
      try {
        for (;;) {
          if (this.#queue.length === 0) {
            if (!writing) break;
            await writing;
            writing = undefined;
            continue;
          }
          const batch = this.#queue.splice(0, this.options.maxBatch);
          let prepared: PreparedBatch;
          try {
            prepared = await this.#prepare(batch.map((pending) => pending.submission));
          } catch (error) {
            this.#fail(batch, error);
            continue;
          }
          if (writing) await writing;
          writing = this.#commitWithRetry(prepared).then(
            (outcomes) => batch.forEach((pending, index) => pending.resolve(outcomes[index]!)),
            (error: unknown) => this.#fail(batch, error),
          );
        }
      } finally {
        this.#running = undefined;
      }
    })();
  }

  #fail(batch: Pending[], error: unknown): void {
    this.deps.log.error({ err: error, size: batch.length }, 'intake batch failed');
    for (const pending of batch) pending.reject(error);
  }

  async #commitWithRetry(prepared: PreparedBatch): Promise<IntakeOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#commit(prepared);
      } catch (error) {
        if (!(error instanceof RetryBatch) || attempt >= 3) throw error;
        this.stats.retries++;
        for (const tenantId of new Set(prepared.batch.map((submission) => submission.tenantId)))
          this.forgetTenant(tenantId);
      }
    }
  }
  async #ensureLoaded(tenantId: string): Promise<void> {
    let loading = this.#loadedTenants.get(tenantId);
    if (!loading) {
      loading = (async () => {
        const open = await this.deps.db
          .selectFrom('incident')
          .select(['id', 'deviceId', 'buildingId', 'gridId', 'category', 'storm', 'caseId'])
          .where('tenantId', '=', tenantId)
          .where('status', '=', 'open')
          .where((eb) => eb.or([eb('deviceId', 'is not', null), eb('storm', '=', true)]))
          .execute();
        for (const incident of open) {
          const value = { id: incident.id, caseId: incident.caseId };
          if (incident.storm)
            this.#openStorms.set(
              `${tenantId}|storm|${incident.buildingId ?? incident.gridId}|${incident.category}`,
              value,
            );
          else this.#openByDevice.set(`${tenantId}|${incident.deviceId}|${incident.category}`, value);
        }
      })();
      this.#loadedTenants.set(tenantId, loading);
      loading.catch(() => this.#loadedTenants.delete(tenantId));
    }
    return loading;
  }

  /** Step 1: map, resolve devices and places, build the event rows (no writes, no correlation state). */
  async #prepare(batch: IntakeSubmission[]): Promise<PreparedBatch> {
    const { directory, locator, cipher } = this.deps;
    const started = performance.now();
    const outcomes: Array<IntakeOutcome | undefined> = Array.from({ length: batch.length }, () => undefined);
    const deadLetters: DeadLetterDraft[] = [];
    const unknown = new Map<string, UnknownDeviceCount>();
    const heartbeats = new Map<string, Heartbeat>();
    const items: WorkItem[] = [];
    const seenMessages = new Set<string>();
    // 1. Map, resolve devices and places (no writes yet).
    for (const [index, submission] of batch.entries()) {
      // Let I/O in now and then (the previous batch's statements, HTTP requests): a batch of thousands
      // would otherwise hold the event loop for tens of milliseconds.
      if (index % YIELD_EVERY === YIELD_EVERY - 1) await yieldToIo();
      const deadLetter = (reason: string) => {
        const id = newId();
        deadLetters.push({ index, id, submission, reason });
        outcomes[index] = { status: 'dead_letter', deadLetterId: id, reason };
      };
      if (submission.rejectReason) {
        deadLetter(submission.rejectReason);
        continue;
      }
      const mapped = mapMessage(submission.source.mapping, {
        topic: submission.topic,
        payload: submission.payload,
        receivedAt: submission.receivedAt,
      });
      if (!mapped.ok) {
        deadLetter(mapped.reason);
        continue;
      }
      const event = mapped.event;
      const messageKey = `${submission.tenantId}|${submission.source.id}|${event.sourceMessageId}`;
      let device: DeviceInfo | undefined;
      if (event.deviceCode) {
        device =
          directory.knownDevice(submission.tenantId, event.deviceCode) ??
          (await directory.device(submission.tenantId, event.deviceCode));
        if (!device) {
          const key = `${submission.tenantId}|${submission.source.id}|${event.deviceCode}`;
          const entry = unknown.get(key);
          if (entry) {
            entry.count++;
            entry.last = submission.receivedAt;
            entry.payload = submission.rawText.slice(0, 2000);
          } else
            unknown.set(key, {
              tenantId: submission.tenantId,
              sourceId: submission.source.id,
              code: event.deviceCode,
              count: 1,
              first: submission.receivedAt,
              last: submission.receivedAt,
              payload: submission.rawText.slice(0, 2000),
            });
          outcomes[index] = { status: 'unknown_device', deviceCode: event.deviceCode };
          continue;
        }
        if (event.deviceMessage === 'heartbeat') {
          heartbeats.set(`${submission.tenantId}|${device.id}`, {
            tenantId: submission.tenantId,
            sourceId: submission.source.id,
            device,
            at: event.occurredAt,
            receivedAt: submission.receivedAt,
          });
          outcomes[index] = { status: 'heartbeat' };
          continue;
        }
      }
      if (seenMessages.has(messageKey)) {
        outcomes[index] = { status: 'duplicate', eventId: null, incidentId: null };
        continue;
      }
      seenMessages.add(messageKey);
      const item: WorkItem = {
        index,
        submission,
        event,
        eventId: newId(),
        device,
        gridId: null,
        communityId: null,
        buildingId: null,
        lng: event.location?.lng ?? null,
        lat: event.location?.lat ?? null,
        incidentId: null,
      };
      if (device) {
        if (event.deviceMessage === 'alarm' && device.type !== 'camera')
          event.category = DEVICE_ALARM_CATEGORY[device.type];
        const definition = categoryOf(event.category)!;
        if (event.kind === 'alarm') event.severity = definition.severity;
        event.title =
          event.kind === 'alarm'
            ? `${device.name} ${definition.zh}`
            : `${device.name} ${DEVICE_TYPE_ZH[device.type]}${KIND_ZH[event.kind] ?? ''}`;
        item.lng = device.lng;
        item.lat = device.lat;
        item.gridId = device.gridId;
        item.communityId = device.communityId;
        item.buildingId = device.buildingId;
        event.address ??= device.address ?? undefined;
      } else {
        if (item.lng === null && event.address) {
          const building = await directory.buildingForAddress(submission.tenantId, event.address);
          if (building) {
            item.lng = building.lng;
            item.lat = building.lat;
            item.buildingId = building.id;
          }
        }
        if (item.lng !== null && item.lat !== null) {
          const grid = await locator.locate(submission.tenantId, item.lng, item.lat);
          if (grid) {
            item.gridId = grid.id;
            item.communityId = grid.communityId;
          }
        }
      }
      item.row = {
        t: submission.tenantId,
        i: item.eventId,
        s: submission.source.id,
        m: event.sourceMessageId,
        k: event.kind,
        c: event.category,
        sv: event.severity,
        ti: event.title,
        de: event.description ?? null,
        x: item.lng,
        y: item.lat,
        a: event.address ?? null,
        g: item.gridId,
        co: item.communityId,
        b: item.buildingId,
        d: device?.id ?? null,
        n: null,
        p: { details: event.details ?? {}, photos: event.photos ?? [] },
        r: RAW_WITHOUT_PERSONAL_DATA.has(submission.source.mapping)
          ? null
          : cipher.encrypt(submission.rawText, 'gov_event.raw'),
        rw: RAW_WITHOUT_PERSONAL_DATA.has(submission.source.mapping) ? submission.rawText : null,
        pe: event.personal ? cipher.encrypt(JSON.stringify(event.personal), 'gov_event.personal') : null,
        o: event.occurredAt.toISOString(),
        rc: submission.receivedAt.toISOString(),
      };
      items.push(item);
    }
    this.stats.mapMs += performance.now() - started;
    return { batch, outcomes, deadLetters, unknown, heartbeats, items };
  }

  /** Steps 2 and 3: correlate and write in one transaction, then answer and tell the consoles. */
  async #commit(prepared: PreparedBatch): Promise<IntakeOutcome[]> {
    const { batch, outcomes, deadLetters, unknown, heartbeats, items } = prepared;
    const books = new Map<string, SlaBook>();
    for (const tenantId of new Set(batch.map((submission) => submission.tenantId))) {
      await this.#ensureLoaded(tenantId);
      books.set(tenantId, await this.deps.books.get(tenantId));
    }

    // 2. Correlate and write, in one transaction.
    const started = performance.now();
    const result = await this.deps.db
      .transaction()
      .execute((trx) => this.write(trx, items, heartbeats, unknown, deadLetters, books));
    this.stats.writeMs += performance.now() - started;

    // 3. Commit the in-memory correlation state, answer, and tell the consoles.
    for (const [key, open] of result.opened)
      (key.includes('|storm|') ? this.#openStorms : this.#openByDevice).set(key, open);
    for (const key of result.closedKeys) {
      this.#openByDevice.delete(key);
      this.#openStorms.delete(key);
    }
    for (const update of result.writtenDevices) update.device.seenWrittenAt = result.writtenAt;
    for (const update of result.changedDevices) {
      update.device.state = update.state;
      update.device.batteryLow = update.batteryLow;
    }
    for (const item of items) {
      const inserted = result.inserted.has(item.eventId);
      if (inserted) {
        const created = result.casesByIncident.get(item.incidentId ?? '');
        outcomes[item.index] = {
          status: 'accepted',
          eventId: item.eventId,
          incidentId: item.incidentId,
          caseId: created?.id ?? null,
          caseNumber: created?.number ?? null,
        };
        this.stats.accepted++;
      } else {
        const existing = result.duplicates.get(
          `${item.submission.tenantId}|${item.submission.source.id}|${item.event.sourceMessageId}`,
        );
        outcomes[item.index] = {
          status: 'duplicate',
          eventId: existing?.id ?? null,
          incidentId: existing?.incidentId ?? null,
        };
        this.stats.duplicates++;
      }
    }
    this.stats.batches++;
    this.stats.deadLetters += deadLetters.length;
    this.stats.heartbeats += heartbeats.size;
    for (const entry of unknown.values()) this.stats.unknownDevices += entry.count;
    this.#publish(result);
    if (result.outboxEvents > 0) this.deps.outbox?.poke();
    return outcomes.map((outcome) => outcome ?? { status: 'duplicate', eventId: null, incidentId: null });
  }

  private async write(
    trx: Transaction<Database>,
    items: WorkItem[],
    heartbeats: Map<string, Heartbeat>,
    unknown: Map<string, UnknownDeviceCount>,
    deadLetters: DeadLetterDraft[],
    books: Map<string, SlaBook>,
  ) {
    const { cipher } = this.deps;
    const opened = new Map<string, OpenIncident>();
    const closedKeys: string[] = [];
    const deviceStates = new Map<string, DeviceUpdate>();
    const drafts = new Map<string, DraftIncident>();
    const reportIncidents: DraftIncident[] = [];
    const now = Date.now();

    // Correlate: decide each event's incident (drafts for new ones).
    for (const item of items) {
      const { event, device, submission } = item;
      const tenantId = submission.tenantId;
      if (device) {
        const previous = deviceStates.get(`${tenantId}|${device.code}`);
        const state: DeviceState =
          event.kind === 'offline'
            ? 'offline'
            : event.deviceMessage === 'alarm'
              ? 'alarm'
              : event.deviceMessage === 'recovered'
                ? 'online'
                : event.deviceMessage === 'fault'
                  ? 'fault'
                  : (previous?.state ?? device.state);
        const batteryLow =
          event.deviceMessage === 'low_battery'
            ? true
            : event.deviceMessage === 'recovered'
              ? false
              : (previous?.batteryLow ?? device.batteryLow);
        deviceStates.set(`${tenantId}|${device.code}`, {
          tenantId,
          device,
          state,
          batteryLow,
          at: event.occurredAt,
        });
        if (event.deviceMessage === 'recovered') continue; // resolves below, joins no incident
        const deviceKey = `${tenantId}|${device.id}|${event.category}`;
        let stormKey: string | undefined;
        const scope = device.buildingId ?? device.gridId;
        if (event.kind === 'alarm' && scope) {
          const windowKey = `${tenantId}|${scope}|${event.category}`;
          const window = this.#windows.get(windowKey) ?? new Map<string, number>();
          this.#windows.set(windowKey, window);
          window.set(device.id, submission.receivedAt.getTime());
          for (const [deviceId, at] of window)
            if (now - at > this.options.stormWindowMs) window.delete(deviceId);
          const key = `${tenantId}|storm|${scope}|${event.category}`;
          if (this.#openStorms.has(key) || drafts.has(key) || window.size >= this.options.stormThreshold)
            stormKey = key;
        }
        if (stormKey) {
          const open = this.#openStorms.get(stormKey);
          if (open) item.incidentId = open.id;
          else {
            let draft = drafts.get(stormKey);
            if (!draft) {
              draft = this.#draft(stormKey, tenantId, true, item);
              drafts.set(stormKey, draft);
              // Absorb the open per-device incidents of the devices alarming in this window.
              const window = this.#windows.get(`${tenantId}|${scope}|${event.category}`)!;
              for (const deviceId of window.keys()) {
                const perDevice = `${tenantId}|${deviceId}|${event.category}`;
                const openOne = this.#openByDevice.get(perDevice);
                if (openOne) {
                  draft.absorbs.push(openOne);
                  closedKeys.push(perDevice);
                }
                const pendingDraft = drafts.get(perDevice);
                if (pendingDraft) {
                  drafts.delete(perDevice);
                  for (const other of items)
                    if (other.incidentKey === perDevice) {
                      other.incidentKey = stormKey;
                      other.incidentId = draft.id;
                    }
                }
              }
            }
            item.incidentId = draft.id;
          }
          item.incidentKey = stormKey;
          continue;
        }
        const open = this.#openByDevice.get(deviceKey);
        if (open && !closedKeys.includes(deviceKey)) item.incidentId = open.id;
        else {
          let draft = drafts.get(deviceKey);
          if (!draft) {
            draft = this.#draft(deviceKey, tenantId, false, item);
            drafts.set(deviceKey, draft);
          }
          item.incidentId = draft.id;
        }
        item.incidentKey = deviceKey;
      } else {
        const draft = this.#draft(`report|${item.eventId}`, tenantId, false, item);
        reportIncidents.push(draft);
        item.incidentId = draft.id;
      }
    }

    // Events, deduplicated against what is already stored.
    const inserted = new Set<string>();
    const duplicates = new Map<string, { id: string; incidentId: string | null }>();
    if (items.length > 0) {
      for (const item of items) item.row!.n = item.incidentId;
      // One JSON parameter for the whole batch: serialized natively, where array parameters cost a
      // JavaScript escaping pass per value.
      const insert = await sql`
        insert into gov_event (tenant_id, id, source_id, source_message_id, kind, category, severity, title,
          description, lng, lat, address, grid_id, community_id, building_id, device_id, incident_id, payload,
          raw_enc, raw, personal_enc, occurred_at, received_at)
        select t, i, s, m, k, c, sv, ti, de, x, y, a, g, co, b, d, n, p, r, rw, pe, o, rc
        from json_to_recordset(${JSON.stringify(items.map((item) => item.row))}::json) as v(t uuid, i uuid, s uuid,
          m text, k text, c text, sv text, ti text, de text, x float8, y float8, a text, g uuid, co uuid, b uuid,
          d uuid, n uuid, p jsonb, r text, rw text, pe text, o timestamptz, rc timestamptz)
        on conflict (tenant_id, source_id, source_message_id) do nothing`.execute(trx);
      if (Number(insert.numAffectedRows ?? 0) === items.length)
        for (const item of items) inserted.add(item.eventId);
      else {
        // Some were already stored (redelivered): which of ours went in? (Fresh ids cannot pre-exist.)
        const ours = await sql<{ id: string }>`select id from gov_event
          where tenant_id = any(${[...new Set(items.map((i) => i.submission.tenantId))]}::uuid[])
            and id = any(${col(items, (i) => i.eventId)}::uuid[])`.execute(trx);
        for (const row of ours.rows) inserted.add(row.id);
        const missing = items.filter((item) => !inserted.has(item.eventId));
        // Result columns come back camel-cased (CamelCasePlugin), raw SQL included.
        const found = await sql<{
          tenantId: string;
          sourceId: string;
          sourceMessageId: string;
          id: string;
          incidentId: string | null;
        }>`
          select e.tenant_id, e.source_id, e.source_message_id, e.id, e.incident_id
          from gov_event e join unnest(${col(missing, (i) => i.submission.tenantId)}::uuid[],
            ${col(missing, (i) => i.submission.source.id)}::uuid[], ${col(missing, (i) => i.event.sourceMessageId)}::text[])
            as m(tenant_id, source_id, source_message_id)
          on e.tenant_id = m.tenant_id and e.source_id = m.source_id and e.source_message_id = m.source_message_id`.execute(
          trx,
        );
        for (const row of found.rows)
          duplicates.set(`${row.tenantId}|${row.sourceId}|${row.sourceMessageId}`, {
            id: row.id,
            incidentId: row.incidentId,
          });
      }
    }
    const fresh = items.filter((item) => inserted.has(item.eventId));

    // Incidents: count what was really inserted; drop drafts none of whose events were.
    const counts = new Map<string, { n: number; last: Date; devices: Set<string> }>();
    for (const item of fresh) {
      if (!item.incidentId) continue;
      const entry = counts.get(item.incidentId) ?? {
        n: 0,
        last: item.event.occurredAt,
        devices: new Set<string>(),
      };
      entry.n++;
      if (item.event.occurredAt > entry.last) entry.last = item.event.occurredAt;
      if (item.device) entry.devices.add(item.device.id);
      counts.set(item.incidentId, entry);
    }
    const newDrafts = [...drafts.values(), ...reportIncidents].filter((draft) => counts.has(draft.id));
    if (newDrafts.length > 0) {
      const rows = await sql<{ id: string }>`
        insert into incident (tenant_id, id, category, kind, severity, status, title, device_id, building_id, grid_id,
          community_id, lng, lat, storm, event_count, device_count, first_seen_at, last_seen_at)
        select t, i, c, k, s, 'open', ti, d, b, g, co, x, y, st, n, dc, f, l from unnest(
          ${col(newDrafts, (d) => d.tenantId)}::uuid[], ${col(newDrafts, (d) => d.id)}::uuid[],
          ${col(newDrafts, (d) => d.item.event.category)}::text[], ${col(newDrafts, (d) => d.item.event.kind)}::text[],
          ${col(newDrafts, (d) => d.item.event.severity)}::text[],
          ${col(newDrafts, (d) => (d.storm ? `${stormTitle(d)}` : d.item.event.title))}::text[],
          ${col(newDrafts, (d) => (d.storm ? null : (d.item.device?.id ?? null)))}::uuid[],
          ${col(newDrafts, (d) => d.item.buildingId)}::uuid[], ${col(newDrafts, (d) => d.item.gridId)}::uuid[],
          ${col(newDrafts, (d) => d.item.communityId)}::uuid[], ${col(newDrafts, (d) => d.item.lng)}::float8[],
          ${col(newDrafts, (d) => d.item.lat)}::float8[], ${col(newDrafts, (d) => d.storm)}::boolean[],
          ${col(newDrafts, (d) => counts.get(d.id)!.n)}::int[],
          ${col(newDrafts, (d) => Math.max(counts.get(d.id)!.devices.size, d.item.device ? 1 : 0))}::int[],
          ${col(newDrafts, (d) => d.item.event.occurredAt)}::timestamptz[],
          ${col(newDrafts, (d) => counts.get(d.id)!.last)}::timestamptz[]) as v(t, i, c, k, s, ti, d, b, g, co, x, y, st, n, dc, f, l)
        on conflict do nothing
        returning id`.execute(trx);
      if (rows.rows.length < newDrafts.length) throw new RetryBatch();
      for (const draft of newDrafts)
        if (!draft.key.startsWith('report|')) opened.set(draft.key, { id: draft.id, caseId: null });
    }
    const draftIds = new Set(newDrafts.map((draft) => draft.id));
    const tenantOf = new Map<string, string>();
    for (const item of fresh) if (item.incidentId) tenantOf.set(item.incidentId, item.submission.tenantId);
    const updates = [...counts.entries()].filter(([id]) => !draftIds.has(id));
    if (updates.length > 0) {
      const rows = await sql<{ id: string }>`
        update incident i set event_count = i.event_count + v.n, last_seen_at = greatest(i.last_seen_at, v.l),
          device_count = case when i.storm then (select count(distinct e.device_id)::int from gov_event e
            where e.tenant_id = i.tenant_id and e.incident_id = i.id) else i.device_count end
        from unnest(${col(updates, ([id]) => tenantOf.get(id)!)}::uuid[], ${col(updates, ([id]) => id)}::uuid[],
          ${col(updates, ([, c]) => c.n)}::int[], ${col(updates, ([, c]) => c.last)}::timestamptz[]) as v(t, id, n, l)
        where i.tenant_id = v.t and i.id = v.id and i.status = 'open'
          -- Lets the planner probe the primary key instead of scanning incident once per row.
          and i.id = any(${col(updates, ([id]) => id)}::uuid[])
        returning i.id`.execute(trx);
      if (rows.rows.length < updates.length) throw new RetryBatch();
    }

    // Storms absorb the open per-device incidents of their window, with their events and cases.
    const absorbedCases: Array<{ tenantId: string; caseId: string; stormId: string }> = [];
    for (const draft of newDrafts.filter((candidate) => candidate.storm && candidate.absorbs.length > 0)) {
      const ids = draft.absorbs.map((open) => open.id);
      await trx
        .updateTable('incident')
        .set({ status: 'merged', mergedInto: draft.id, resolvedAt: new Date() })
        .where('tenantId', '=', draft.tenantId)
        .where('id', 'in', ids)
        .execute();
      const moved = await trx
        .updateTable('govEvent')
        .set({ incidentId: draft.id })
        .where('tenantId', '=', draft.tenantId)
        .where('incidentId', 'in', ids)
        .executeTakeFirst();
      await sql`update incident set event_count = event_count + ${Number(moved.numUpdatedRows)},
        device_count = (select count(distinct device_id)::int from gov_event where tenant_id = ${draft.tenantId} and incident_id = ${draft.id})
        where tenant_id = ${draft.tenantId} and id = ${draft.id}`.execute(trx);
      for (const open of draft.absorbs)
        if (open.caseId)
          absorbedCases.push({ tenantId: draft.tenantId, caseId: open.caseId, stormId: draft.id });
    }

    // Cases: reports always; device incidents of categories that open one by themselves.
    const caseInputs: NewCase[] = [];
    for (const draft of newDrafts) {
      const { event, submission } = draft.item;
      const definition = categoryOf(event.category)!;
      const isReport = event.kind === 'report';
      if (!isReport && !(event.kind === 'alarm' && definition.autoCase)) continue;
      caseInputs.push({
        tenantId: draft.tenantId,
        title: draft.storm ? stormTitle(draft) : event.title,
        description: event.description ?? null,
        category: event.category,
        severity: draft.storm && event.severity !== 'critical' ? 'high' : event.severity,
        stage:
          isReport && NEEDS_ACCEPTANCE.has(submission.source.mapping) && !submission.actor
            ? 'intake'
            : 'triage',
        sourceId: submission.source.id,
        incidentId: draft.id,
        gridId: draft.item.gridId,
        communityId: draft.item.communityId,
        buildingId: draft.item.buildingId,
        lng: draft.item.lng,
        lat: draft.item.lat,
        address: event.address ?? null,
        reporterPersonId: submission.reporterPersonId ?? event.reporter?.personId ?? null,
        reporterName: event.reporter?.name ?? null,
        reporterPhoneEnc: event.reporter?.phone
          ? cipher.encrypt(event.reporter.phone, 'gov_case.reporter_phone')
          : null,
        photos: event.photos,
        createdAt: submission.receivedAt,
        actor: submission.actor,
        note: `${submission.source.name}${draft.storm ? ' · 告警风暴' : ''}`,
      });
    }
    const createdCases = await insertCases(trx, caseInputs, (tenantId) => books.get(tenantId)!);
    const casesByIncident = new Map<string, CreatedCase>();
    for (const created of createdCases)
      if (created.incidentId) casesByIncident.set(created.incidentId, created);
    if (createdCases.length > 0) {
      await sql`update incident i set case_id = v.c from unnest(${col(createdCases, (c) => c.tenantId)}::uuid[],
          ${col(createdCases, (c) => c.incidentId)}::uuid[], ${col(createdCases, (c) => c.id)}::uuid[]) as v(t, i, c)
        where i.tenant_id = v.t and i.id = v.i`.execute(trx);
      for (const created of createdCases)
        for (const open of opened.values()) if (open.id === created.incidentId) open.caseId = created.id;
    }
    if (absorbedCases.length > 0) {
      const at = new Date();
      for (const absorbed of absorbedCases) {
        const stormCase = casesByIncident.get(absorbed.stormId);
        const updated = await trx
          .updateTable('govCase')
          .set({
            stage: 'duplicate',
            duplicateOf: stormCase?.id ?? null,
            updatedAt: at,
            version: sql`version + 1`,
          })
          .where('tenantId', '=', absorbed.tenantId)
          .where('id', '=', absorbed.caseId)
          .where('stage', 'in', ['intake', 'triage'])
          .returning(['id'])
          .execute();
        await addTimeline(trx, [
          {
            tenantId: absorbed.tenantId,
            caseId: absorbed.caseId,
            at,
            action: updated.length > 0 ? 'merged_into_storm' : 'storm_detected',
            toStage: updated.length > 0 ? 'duplicate' : null,
            note: stormCase ? `并入告警风暴案件 ${stormCase.number}` : '告警风暴',
            data: { stormIncidentId: absorbed.stormId, stormCaseId: stormCase?.id ?? null },
          },
        ]);
      }
    }

    // Device state, heartbeats and recoveries. A device row is written when its state changes and
    // otherwise at most every deviceSeenWriteMs: at thousands of messages a second, rewriting the row
    // of every device in every batch just to move last_seen_at costs more than the events themselves.
    for (const beat of heartbeats.values()) {
      const key = `${beat.tenantId}|${beat.device.code}`;
      if (!deviceStates.has(key))
        deviceStates.set(key, {
          tenantId: beat.tenantId,
          device: beat.device,
          state: beat.device.state === 'offline' ? 'online' : beat.device.state,
          batteryLow: beat.device.batteryLow,
          at: beat.at,
        });
    }
    const changedDevices = [...deviceStates.values()].filter(
      (update) => update.state !== update.device.state || update.batteryLow !== update.device.batteryLow,
    );
    const deviceRows = [...deviceStates.values()].filter(
      (update) =>
        update.state !== update.device.state ||
        update.batteryLow !== update.device.batteryLow ||
        update.device.seenWrittenAt === undefined ||
        now - update.device.seenWrittenAt >= this.options.deviceSeenWriteMs,
    );
    if (deviceRows.length > 0)
      await sql`update device d set state = v.s, battery_low = v.b, last_seen_at = greatest(d.last_seen_at, v.l),
          updated_at = case when d.state = v.s and d.battery_low = v.b then d.updated_at else now() end
        from unnest(${col(deviceRows, (r) => r.tenantId)}::uuid[], ${col(deviceRows, (r) => r.device.id)}::uuid[],
          ${col(deviceRows, (r) => r.state)}::text[], ${col(deviceRows, (r) => r.batteryLow)}::boolean[],
          ${col(deviceRows, (r) => r.at)}::timestamptz[]) as v(t, id, s, b, l)
        where d.tenant_id = v.t and d.id = v.id and d.state <> 'disabled'
          and d.id = any(${col(deviceRows, (r) => r.device.id)}::uuid[])`.execute(trx);
    const recovered = fresh.filter((item) => item.event.deviceMessage === 'recovered' && item.device);
    if (recovered.length > 0) {
      const resolved = await sql<{
        id: string;
        tenantId: string;
        deviceId: string;
        category: string;
        caseId: string | null;
      }>`
        update incident i set status = 'resolved', resolved_at = now()
        from unnest(${col(recovered, (r) => r.submission.tenantId)}::uuid[], ${col(recovered, (r) => r.device!.id)}::uuid[]) as v(t, d)
        where i.tenant_id = v.t and i.device_id = v.d and i.status = 'open' and not i.storm
          and i.device_id = any(${col(recovered, (r) => r.device!.id)}::uuid[])
        returning i.id, i.tenant_id, i.device_id, i.category, i.case_id`.execute(trx);
      const at = new Date();
      await addTimeline(
        trx,
        resolved.rows
          .filter((row) => row.caseId)
          .map((row) => ({
            tenantId: row.tenantId,
            caseId: row.caseId!,
            at,
            action: 'device_recovered',
            note: '设备报告已恢复正常',
          })),
      );
      for (const row of resolved.rows) closedKeys.push(`${row.tenantId}|${row.deviceId}|${row.category}`);
    }

    // What could not be used is kept, never dropped.
    if (deadLetters.length > 0)
      await trx
        .insertInto('deadLetter')
        .values(
          deadLetters.map((dead) => ({
            tenantId: dead.submission.tenantId,
            id: dead.id,
            sourceId: dead.submission.source.id,
            channel: dead.submission.source.channel,
            reason: dead.reason.slice(0, 500),
            contentType: dead.submission.contentType ?? null,
            topic: dead.submission.topic ?? null,
            payloadEnc: cipher.encrypt(
              dead.submission.rawText.slice(0, MAX_DEAD_LETTER_BYTES),
              'dead_letter.payload',
            ),
            receivedAt: dead.submission.receivedAt,
          })),
        )
        .execute();
    if (unknown.size > 0) {
      const entries = [...unknown.values()];
      await sql`insert into unknown_device (tenant_id, source_id, device_code, message_count, first_seen_at, last_seen_at, last_payload)
        select * from unnest(${col(entries, (e) => e.tenantId)}::uuid[], ${col(entries, (e) => e.sourceId)}::uuid[],
          ${col(entries, (e) => e.code)}::text[], ${col(entries, (e) => e.count)}::int[], ${col(entries, (e) => e.first)}::timestamptz[],
          ${col(entries, (e) => e.last)}::timestamptz[], ${col(entries, (e) => e.payload)}::text[])
        on conflict (tenant_id, source_id, device_code) do update set
          message_count = unknown_device.message_count + excluded.message_count,
          last_seen_at = greatest(unknown_device.last_seen_at, excluded.last_seen_at), last_payload = excluded.last_payload`.execute(
        trx,
      );
    }
    // A source's last message, heartbeats included: a device network that only says "alive" is not idle.
    const sources = new Map<string, { tenantId: string; id: string; at: Date }>();
    const touch = (tenantId: string, id: string, at: Date) => {
      const seen = sources.get(id);
      if (!seen || seen.at < at) sources.set(id, { tenantId, id, at });
    };
    for (const item of items)
      touch(item.submission.tenantId, item.submission.source.id, item.submission.receivedAt);
    for (const beat of heartbeats.values()) touch(beat.tenantId, beat.sourceId, beat.receivedAt);
    const touched = [...sources.values()];
    if (touched.length > 0)
      await sql`update event_source s set last_message_at = greatest(coalesce(s.last_message_at, v.a), v.a)
        from unnest(${col(touched, (s) => s.tenantId)}::uuid[], ${col(touched, (s) => s.id)}::uuid[], ${col(touched, (s) => s.at)}::timestamptz[]) as v(t, id, a)
        where s.tenant_id = v.t and s.id = v.id`.execute(trx);

    // Other modules react through the outbox: insurance opens claims from police accident records.
    const accidents = fresh.filter(
      (item) => item.event.category === 'traffic_accident' && item.event.details?.accident,
    );
    if (accidents.length > 0)
      await enqueueOutboxMany(
        trx,
        accidents.map((item) => ({
          tenantId: item.submission.tenantId,
          topic: TRAFFIC_ACCIDENT_TOPIC,
          aggregateId: item.eventId,
          payload: {
            eventId: item.eventId,
            caseId: casesByIncident.get(item.incidentId ?? '')?.id ?? null,
            caseNumber: casesByIncident.get(item.incidentId ?? '')?.number ?? null,
            occurredAt: item.event.occurredAt.toISOString(),
            address: item.event.address ?? null,
            location: item.lng !== null && item.lat !== null ? { lng: item.lng, lat: item.lat } : null,
            gridId: item.gridId,
            // Parties' names and phones stay encrypted on the event (gov_event.personal_enc).
            accident: item.event.details!.accident,
            alarmNo: item.event.details!.alarmNo ?? null,
          },
        })),
      );

    return {
      outboxEvents: accidents.length,
      inserted,
      duplicates,
      opened,
      closedKeys,
      changedDevices,
      writtenDevices: deviceRows,
      writtenAt: now,
      casesByIncident,
      newIncidents: newDrafts,
      updatedIncidents: updates.map(([id, count]) => ({
        id,
        tenantId: tenantOf.get(id)!,
        count: count.n,
        last: count.last,
      })),
      createdCases,
      fresh,
    };
  }

  #draft(key: string, tenantId: string, storm: boolean, item: WorkItem): DraftIncident {
    return {
      key,
      id: newId(),
      tenantId,
      storm,
      item,
      absorbs: [],
    };
  }

  #publish(result: Awaited<ReturnType<IntakePipeline['write']>>): void {
    const realtime = this.deps.realtime;
    if (!realtime) return;
    for (const draft of result.newIncidents) {
      const created = result.casesByIncident.get(draft.id);
      realtime.publish(draft.tenantId, 'incident.created', {
        id: draft.id,
        category: draft.item.event.category,
        kind: draft.item.event.kind,
        severity: draft.item.event.severity,
        title: draft.storm ? stormTitle(draft) : draft.item.event.title,
        storm: draft.storm,
        gridId: draft.item.gridId,
        communityId: draft.item.communityId,
        lng: draft.item.lng,
        lat: draft.item.lat,
        occurredAt: draft.item.event.occurredAt.toISOString(),
        caseId: created?.id ?? null,
        caseNumber: created?.number ?? null,
        stage: created?.stage ?? null,
      });
    }
    for (const draft of result.newIncidents) {
      const created = result.casesByIncident.get(draft.id);
      if (!created) continue;
      realtime.publish(draft.tenantId, 'case.created', {
        id: created.id,
        number: created.number,
        stage: created.stage,
        title: draft.storm ? stormTitle(draft) : draft.item.event.title,
        category: draft.item.event.category,
        severity: draft.item.event.severity,
        incidentId: draft.id,
        communityId: draft.item.communityId,
      });
    }
    for (const update of result.updatedIncidents)
      realtime.publish(update.tenantId, 'incident.updated', {
        id: update.id,
        added: update.count,
        lastSeenAt: update.last.toISOString(),
      });
    for (const update of result.changedDevices)
      realtime.publish(update.tenantId, 'device.state', {
        deviceId: update.device.id,
        state: update.state,
        batteryLow: update.batteryLow,
      });
  }
}

const KIND_ZH: Partial<Record<string, string>> = { fault: '故障', offline: '离线', low_battery: '电量低' };

function stormTitle(draft: DraftIncident): string {
  const definition = categoryOf(draft.item.event.category)!;
  const place = draft.item.device?.address ?? draft.item.event.address ?? '';
  return `告警风暴：${place} ${definition.zh}`.trim();
}

/** One column of an array-parameter statement (`unnest($1::uuid[], …)`). */
function col<T, V>(rows: readonly T[], pick: (row: T) => V): V[] {
  return rows.map(pick);
}
