import type { CaseStage, CaseSummary, CategoryCode, Linkage, Severity } from '@jiedao/contracts';
import {
  ACTIVE_CASE_STAGES,
  CASE_STAGES,
  CATEGORY_CODES,
  LINKAGES,
  OPEN_CASE_STAGES,
  SEVERITIES,
} from '@jiedao/contracts/constants';
import { oneOf, pageSizeParam, positiveInt, uuidOrNull } from '../urlParams';

/** The queue's stage filter: one stage, or the server's groups (`open`: not finished, `active`: in the loop). */
export type StageFilter = CaseStage | 'open' | 'active' | 'all';
export const STAGE_GROUPS = ['open', 'active', 'all'] as const;
export const DEFAULT_STAGE: StageFilter = 'open';

export const QUEUE_PAGE_SIZES = [20, 50, 100] as const;
export const DEFAULT_QUEUE_PAGE_SIZE = 20;

export interface CaseFilters {
  stage: StageFilter;
  linkage: Linkage | null;
  category: CategoryCode | null;
  severity: Severity | null;
  communityId: string | null;
  q: string;
  page: number;
  pageSize: number;
  /** The case open in the detail panel (kept in the URL so a link or a reload shows the same case). */
  selected: string | null;
}

/** Reads the dispatcher console's state from the URL, ignoring anything invalid. */
export function readCaseFilters(params: URLSearchParams): CaseFilters {
  return {
    stage: oneOf<StageFilter>([...STAGE_GROUPS, ...CASE_STAGES], params.get('stage')) ?? DEFAULT_STAGE,
    linkage: oneOf(LINKAGES, params.get('linkage')),
    category: oneOf(CATEGORY_CODES, params.get('category')),
    severity: oneOf(SEVERITIES, params.get('severity')),
    communityId: uuidOrNull(params.get('communityId')),
    q: (params.get('q') ?? '').trim().slice(0, 50),
    page: positiveInt(params.get('page'), 1),
    pageSize: pageSizeParam(params.get('pageSize'), QUEUE_PAGE_SIZES, DEFAULT_QUEUE_PAGE_SIZE),
    selected: uuidOrNull(params.get('case')),
  };
}

/** The query of GET /api/governance/cases for these filters. */
export function caseQuery(filters: CaseFilters): Record<string, string | number | undefined> {
  return {
    stage: filters.stage,
    linkage: filters.linkage ?? undefined,
    category: filters.category ?? undefined,
    severity: filters.severity ?? undefined,
    communityId: filters.communityId ?? undefined,
    q: filters.q || undefined,
    page: filters.page,
    pageSize: filters.pageSize,
  };
}

/** URL search params for the console state; defaults are left out to keep links short. */
export function writeCaseFilters(filters: CaseFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.stage !== DEFAULT_STAGE) params.set('stage', filters.stage);
  if (filters.linkage) params.set('linkage', filters.linkage);
  if (filters.category) params.set('category', filters.category);
  if (filters.severity) params.set('severity', filters.severity);
  if (filters.communityId) params.set('communityId', filters.communityId);
  if (filters.q) params.set('q', filters.q);
  if (filters.page !== 1) params.set('page', String(filters.page));
  if (filters.pageSize !== DEFAULT_QUEUE_PAGE_SIZE) params.set('pageSize', String(filters.pageSize));
  if (filters.selected) params.set('case', filters.selected);
  return params;
}

/** The server's stage groups (GET /cases?stage=open|active), for matching a live arrival on the client. */
const OPEN_STAGES: ReadonlySet<CaseStage> = new Set(OPEN_CASE_STAGES);
const ACTIVE_STAGES: ReadonlySet<CaseStage> = new Set(ACTIVE_CASE_STAGES);

/**
 * Whether a case belongs in the queue as filtered, the way the server would decide: a case that
 * arrives live is pinned on top of the queue only if the dispatcher's filters would list it.
 */
export function matchesFilters(summary: CaseSummary, filters: CaseFilters): boolean {
  const stageOk =
    filters.stage === 'all' ||
    (filters.stage === 'open'
      ? OPEN_STAGES.has(summary.stage)
      : filters.stage === 'active'
        ? ACTIVE_STAGES.has(summary.stage)
        : summary.stage === filters.stage);
  if (!stageOk) return false;
  if (filters.linkage && summary.linkage !== filters.linkage) return false;
  if (filters.category && summary.category !== filters.category) return false;
  if (filters.severity && summary.severity !== filters.severity) return false;
  if (filters.communityId && summary.communityId !== filters.communityId) return false;
  if (filters.q) {
    const needle = filters.q.toLowerCase();
    const haystack = [summary.number, summary.title, summary.address ?? ''].join(' ').toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
}
