import type { DeviceState, DeviceType } from '@jiedao/contracts';
import { DEVICE_STATES, DEVICE_TYPES } from '@jiedao/contracts/constants';
import { oneOf, pageSizeParam, positiveInt, uuidOrNull } from '../urlParams';

export const DEVICE_PAGE_SIZES = [20, 50, 100] as const;
const DEFAULT_PAGE_SIZE = 20;

export interface DeviceFilters {
  q: string;
  type: DeviceType | null;
  state: DeviceState | null;
  communityId: string | null;
  page: number;
  pageSize: number;
}

/** Reads the devices page state from the URL, ignoring anything invalid. */
export function readDeviceFilters(params: URLSearchParams): DeviceFilters {
  return {
    q: (params.get('q') ?? '').trim().slice(0, 50),
    type: oneOf(DEVICE_TYPES, params.get('type')),
    state: oneOf(DEVICE_STATES, params.get('state')),
    communityId: uuidOrNull(params.get('communityId')),
    page: positiveInt(params.get('page'), 1),
    pageSize: pageSizeParam(params.get('pageSize'), DEVICE_PAGE_SIZES, DEFAULT_PAGE_SIZE),
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
