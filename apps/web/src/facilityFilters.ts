import type { ComplexTier, FacilityType } from '@jiedao/contracts';
import { isComplexTier, isFacilityType } from './domain';
import { pageSizeParam, positiveInt, uuidOrNull } from './urlParams';

export const PAGE_SIZES = [10, 20, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 20;

export interface FacilityFilters {
  q: string;
  type: FacilityType | null;
  /** Only meaningful for `service_complex`; dropped for any other type. */
  tier: ComplexTier | null;
  communityId: string | null;
  page: number;
  pageSize: number;
}

/** Reads the facilities page state from the URL, ignoring anything invalid. */
export function readFacilityFilters(params: URLSearchParams): FacilityFilters {
  const typeParam = params.get('type');
  const type = typeParam !== null && isFacilityType(typeParam) ? typeParam : null;
  const tierParam = params.get('tier');
  const tier =
    type === 'service_complex' && tierParam !== null && isComplexTier(tierParam) ? tierParam : null;
  return {
    q: (params.get('q') ?? '').trim().slice(0, 100),
    type,
    tier,
    communityId: uuidOrNull(params.get('communityId')),
    page: positiveInt(params.get('page'), 1),
    pageSize: pageSizeParam(params.get('pageSize'), PAGE_SIZES, DEFAULT_PAGE_SIZE),
  };
}

/** The filter part of the API query (no paging): shared by the list and the Excel export. */
export function filterParams(filters: FacilityFilters): Record<string, string | undefined> {
  return {
    q: filters.q || undefined,
    type: filters.type ?? undefined,
    tier: filters.type === 'service_complex' ? (filters.tier ?? undefined) : undefined,
    communityId: filters.communityId ?? undefined,
  };
}

/** URL search params for the page state; defaults are left out to keep links short. */
export function writeFacilityFilters(filters: FacilityFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filterParams(filters))) {
    if (value) params.set(key, value);
  }
  if (filters.page !== 1) params.set('page', String(filters.page));
  if (filters.pageSize !== DEFAULT_PAGE_SIZE) params.set('pageSize', String(filters.pageSize));
  return params;
}
