import type { LngLat, WorkerProfile, WorkerProfileInput, WorkerProfileUpdate } from '@jiedao/contracts';
import type { GigCategoryCode, GigSkillCode, SettlementCycleCode } from '@jiedao/contracts/constants';
import { DEFAULT_WEEK_HOURS } from './weekHours';

/** The worker profile form as the page holds it (also the offline desk's, inside its own form). */
export interface WorkerProfileFormValues {
  categories?: GigCategoryCode[];
  skills?: GigSkillCode[];
  home?: LngLat | null;
  radiusKm?: number;
  weekHours?: number[];
  settlementCycle?: SettlementCycleCode;
  payoutName?: string;
  payoutAccountNo?: string;
}

export const RADIUS_CHOICES_KM = [1, 3, 5, 10, 20] as const;
export const ACCOUNT_NUMBER = /^[0-9]{12,19}$/;

export function defaultProfileValues(): WorkerProfileFormValues {
  return {
    categories: [],
    skills: [],
    home: null,
    radiusKm: 5,
    weekHours: [...DEFAULT_WEEK_HOURS],
    settlementCycle: 'daily',
  };
}

/** The form filled from a saved profile (the payout account is never sent back: it shows masked). */
export function profileToValues(profile: WorkerProfile): WorkerProfileFormValues {
  return {
    categories: profile.categories as GigCategoryCode[],
    skills: profile.skills as GigSkillCode[],
    home: profile.home,
    radiusKm: profile.radiusKm,
    weekHours: [...profile.weekHours],
    settlementCycle: profile.settlementCycle,
  };
}

/** Card digits without the spaces people type between groups. */
export function cleanAccountNo(text: string | undefined): string {
  return (text ?? '').replace(/[\s-]/g, '');
}

function payoutOf(values: WorkerProfileFormValues): WorkerProfileInput['payout'] | undefined {
  const name = values.payoutName?.trim() ?? '';
  const accountNo = cleanAccountNo(values.payoutAccountNo);
  return name && ACCOUNT_NUMBER.test(accountNo) ? { name, accountNo } : undefined;
}

/** The registration body; `null` while a required part (a category, home) is missing. */
export function toProfileInput(values: WorkerProfileFormValues): WorkerProfileInput | null {
  if (!values.categories?.length || !values.home || !values.settlementCycle) return null;
  const payout = payoutOf(values);
  return {
    categories: values.categories,
    skills: values.skills ?? [],
    home: values.home,
    radiusKm: values.radiusKm ?? 5,
    weekHours: values.weekHours ?? [...DEFAULT_WEEK_HOURS],
    settlementCycle: values.settlementCycle,
    ...(payout ? { payout } : {}),
  };
}

function sameList(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** Only what changed, for PATCH; `null` when nothing did (the contract wants at least one property). */
export function toProfileUpdate(
  values: WorkerProfileFormValues,
  saved: WorkerProfile,
): WorkerProfileUpdate | null {
  const update: WorkerProfileUpdate = {};
  if (values.categories?.length && !sameSet(values.categories, saved.categories))
    update.categories = values.categories;
  if (values.skills && !sameSet(values.skills, saved.skills)) update.skills = values.skills;
  if (values.home && (values.home.lng !== saved.home.lng || values.home.lat !== saved.home.lat))
    update.home = values.home;
  if (values.radiusKm !== undefined && values.radiusKm !== saved.radiusKm) update.radiusKm = values.radiusKm;
  if (values.weekHours && !sameList(values.weekHours, saved.weekHours)) update.weekHours = values.weekHours;
  if (values.settlementCycle && values.settlementCycle !== saved.settlementCycle)
    update.settlementCycle = values.settlementCycle;
  const payout = payoutOf(values);
  if (payout) update.payout = payout;
  return Object.keys(update).length > 0 ? update : null;
}
