import type { DeviceState, DeviceType, SourceChannel, SourceMapping } from '@jiedao/contracts/constants';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/database/schema.js';
import { placesRepository } from '../places/index.js';

/**
 * In-memory directories the intake consults for every message: sources by code and devices by code,
 * per tenant, loaded on first use and dropped when an administrator changes them. Intake at tens of
 * thousands of messages a second cannot afford a query per message; devices change by import.
 */
export interface SourceInfo {
  id: string;
  tenantId: string;
  code: string;
  name: string;
  channel: SourceChannel;
  mapping: SourceMapping;
  enabled: boolean;
  secretEnc: string | null;
}

export interface DeviceInfo {
  id: string;
  code: string;
  type: DeviceType;
  name: string;
  buildingId: string | null;
  gridId: string | null;
  communityId: string | null;
  lng: number;
  lat: number;
  address: string | null;
  /** Kept current by the intake (the only writer of device state besides administrators). */
  state: DeviceState;
  batteryLow: boolean;
  /** When (epoch ms) the intake last wrote this device's row; `last_seen_at` is kept to about that often. */
  seenWrittenAt?: number;
}

export interface BuildingInfo {
  id: string;
  name: string;
  address: string;
  gridId: string | null;
  communityId: string;
  lng: number;
  lat: number;
}

interface TenantDirectory {
  devices: Map<string, DeviceInfo>;
  /** Codes looked up and not found, with when. */
  misses: Map<string, number>;
  buildings: BuildingInfo[];
}

const UNKNOWN_RECHECK_MS = 30_000;

const DEVICE_COLUMNS = [
  'id',
  'code',
  'type',
  'name',
  'buildingId',
  'gridId',
  'communityId',
  'lng',
  'lat',
  'address',
  'state',
  'batteryLow',
] as const;

function toDevice(row: Omit<DeviceInfo, 'type' | 'state'> & { type: string; state: string }): DeviceInfo {
  return { ...row, type: row.type as DeviceType, state: row.state as DeviceState };
}

export class Directory {
  /** Tenants by code, for the channels that name a subdistrict in a URL or topic. */
  readonly #tenants = new Map<string, { id: string; code: string }>();
  /** Codes looked up and not found, with when (a flood to an unknown code costs no query each). */
  readonly #tenantMisses = new Map<string, number>();
  readonly #sources = new Map<string, Promise<Map<string, SourceInfo>>>();
  readonly #directories = new Map<string, Promise<TenantDirectory>>();
  /** The same directories once loaded, for the synchronous lookup of the intake's hot path. */
  readonly #loaded = new Map<string, TenantDirectory>();

  constructor(private readonly db: Kysely<Database>) {}

  /**
   * A subdistrict by its code (webhook URLs, MQTT topics, Open311 jurisdiction ids). Found tenants
   * are kept; a code not found is asked again after a while, so a subdistrict set up later is seen.
   */
  async tenantByCode(code: string): Promise<{ id: string; code: string } | undefined> {
    const known = this.#tenants.get(code);
    if (known) return known;
    const missedAt = this.#tenantMisses.get(code);
    if (missedAt !== undefined && Date.now() - missedAt < UNKNOWN_RECHECK_MS) return undefined;
    const row = await placesRepository.findTenantByCode(this.db, code);
    if (!row) {
      this.#tenantMisses.set(code, Date.now());
      return undefined;
    }
    const tenant = { id: row.id, code: row.code };
    this.#tenants.set(code, tenant);
    this.#tenantMisses.delete(code);
    return tenant;
  }

  async source(tenantId: string, code: string): Promise<SourceInfo | undefined> {
    return (await this.#loadSources(tenantId)).get(code);
  }

  /**
   * A device by code. A code the directory does not know is looked up once in the database (another
   * process may have registered it) and then remembered as unknown for a while, so a flood from an
   * unregistered device costs no query per message.
   */
  async device(tenantId: string, code: string): Promise<DeviceInfo | undefined> {
    const directory = await this.#loadTenant(tenantId);
    const known = directory.devices.get(code);
    if (known) return known;
    const missedAt = directory.misses.get(code);
    if (missedAt !== undefined && Date.now() - missedAt < UNKNOWN_RECHECK_MS) return undefined;
    const row = await this.db
      .selectFrom('device')
      .select(DEVICE_COLUMNS)
      .where('tenantId', '=', tenantId)
      .where('code', '=', code)
      .executeTakeFirst();
    if (!row) {
      directory.misses.set(code, Date.now());
      return undefined;
    }
    const device = toDevice(row);
    directory.devices.set(code, device);
    directory.misses.delete(code);
    return device;
  }

  /**
   * A device the directory already holds, without waiting: the intake asks this for every message and
   * falls back to {@link device} (which may query) only when it answers undefined.
   */
  knownDevice(tenantId: string, code: string): DeviceInfo | undefined {
    return this.#loaded.get(tenantId)?.devices.get(code);
  }

  async devices(tenantId: string): Promise<Map<string, DeviceInfo>> {
    return (await this.#loadTenant(tenantId)).devices;
  }

  /**
   * The building an address names: the longest building address or name contained in the text
   * (addresses in the hotline's and police's records are free text like "古荡新村12幢3单元门口").
   */
  async buildingForAddress(tenantId: string, address: string): Promise<BuildingInfo | undefined> {
    const { buildings } = await this.#loadTenant(tenantId);
    const wanted = address.replace(/\s+/g, '');
    let best: BuildingInfo | undefined;
    let bestLength = 0;
    for (const building of buildings) {
      for (const candidate of [building.address, building.name]) {
        const normalized = candidate.replace(/\s+/g, '');
        if (normalized.length > bestLength && wanted.includes(normalized)) {
          best = building;
          bestLength = normalized.length;
        }
      }
    }
    return best;
  }

  invalidateSources(tenantId: string): void {
    this.#sources.delete(tenantId);
  }

  invalidateDevices(tenantId: string): void {
    this.#directories.delete(tenantId);
    this.#loaded.delete(tenantId);
  }

  #loadSources(tenantId: string): Promise<Map<string, SourceInfo>> {
    let loading = this.#sources.get(tenantId);
    if (!loading) {
      loading = this.db
        .selectFrom('eventSource')
        .select(['id', 'tenantId', 'code', 'name', 'channel', 'mapping', 'enabled', 'secretEnc'])
        .where('tenantId', '=', tenantId)
        .execute()
        .then(
          (rows) =>
            new Map(
              rows.map((row) => [
                row.code,
                { ...row, channel: row.channel as SourceChannel, mapping: row.mapping as SourceMapping },
              ]),
            ),
        );
      this.#sources.set(tenantId, loading);
      loading.catch(() => this.#sources.delete(tenantId));
    }
    return loading;
  }

  #loadTenant(tenantId: string): Promise<TenantDirectory> {
    let loading = this.#directories.get(tenantId);
    if (!loading) {
      loading = (async () => {
        const [devices, buildings] = await Promise.all([
          this.db.selectFrom('device').select(DEVICE_COLUMNS).where('tenantId', '=', tenantId).execute(),
          this.db
            .selectFrom('building')
            .select(['id', 'name', 'address', 'gridId', 'communityId', 'lng', 'lat'])
            .where('tenantId', '=', tenantId)
            .execute(),
        ]);
        const directory: TenantDirectory = {
          devices: new Map(devices.map((device) => [device.code, toDevice(device)])),
          misses: new Map<string, number>(),
          buildings,
        };
        // Invalidated while loading: answer this caller, keep nothing.
        if (this.#directories.get(tenantId) === loading) this.#loaded.set(tenantId, directory);
        return directory;
      })();
      this.#directories.set(tenantId, loading);
      loading.catch(() => this.#directories.delete(tenantId));
    }
    return loading;
  }
}
