import type { DeviceState, DeviceType } from '@jiedao/contracts';
import { DEVICE_STATES, DEVICE_TYPES } from '@jiedao/contracts/constants';

export const DEVICE_PAGE_SIZES = [20, 50, 100] as const;
const DEFAULT_PAGE_SIZE = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DeviceFilters {
  q: string;
  type: DeviceType | null;
  state: DeviceState | null;
  communityId: string | null;
  page: number;
  pageSize: number;
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : null;
}

function positiveInt(value: string | null, fallback: number): number {
  if (value === null || !/^\d+$/.test(value)) return fallback;
  const parsed = Number(value);
  return parsed >= 1 ? parsed : fallback;
}

/** Reads the devices page state from the URL, ignoring anything invalid. */
export function readDeviceFilters(params: URLSearchParams): DeviceFilters {
  const pageSize = positiveInt(params.get('pageSize'), DEFAULT_PAGE_SIZE);
  const communityId = params.get('communityId');
  return {
    q: (params.get('q') ?? '').trim().slice(0, 50),
    type: oneOf(DEVICE_TYPES, params.get('type')),
    state: oneOf(DEVICE_STATES, params.get('state')),
    communityId: communityId !== null && UUID.test(communityId) ? communityId : null,
    page: positiveInt(params.get('page'), 1),
    pageSize: (DEVICE_PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
  };
}

/** The filter part of the query, shared by the table and its Excel export (so the file matches the screen). */
export function deviceFilterParams(filters: DeviceFilters): Record<string, string | undefined> {
  return {
    q: filters.q || undefined,
    type: filters.type ?? undefined,
    state: filters.state ?? undefined,
    communityId: filters.communityId ?? undefined,
  };
}

export function writeDeviceFilters(filters: DeviceFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(deviceFilterParams(filters))) if (value) params.set(key, value);
  if (filters.page !== 1) params.set('page', String(filters.page));
  if (filters.pageSize !== DEFAULT_PAGE_SIZE) params.set('pageSize', String(filters.pageSize));
  return params;
}
