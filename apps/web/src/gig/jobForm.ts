import type { JobInput } from '@jiedao/contracts';
import type { GigCategoryCode, GigSkillCode, SettlementCycleCode } from '@jiedao/contracts/constants';
import { parseYuan } from './money';
import { paidMinutes, shiftInstants, sortByStart } from './time';

export type WageKindCode = JobInput['wageKind'];

/** One row of the shift editor: a Shanghai day and wall-clock times as typed. */
export interface ShiftRow {
  day?: string;
  start?: string;
  end?: string;
  breakMinutes?: number | null;
}

/** The job form as the page holds it (money as typed yuan text). */
export interface JobFormValues {
  siteId?: string;
  title?: string;
  category?: GigCategoryCode;
  skills?: GigSkillCode[];
  headcount?: number | null;
  wageKind?: WageKindCode;
  wageYuan?: string;
  expectedPieces?: number | null;
  settlementCycle?: SettlementCycleCode;
  requirements?: string;
  injuryCover?: boolean;
  shifts?: ShiftRow[];
}

/** A problem with one field, as an i18n key under `gig.jobForm.errors` (and the shift's row for shifts). */
export interface JobFormProblem {
  field: keyof JobFormValues;
  key: 'required' | 'wage' | 'pieces' | 'shift' | 'shiftShort' | 'shiftsNone' | 'shiftsTooMany' | 'headcount';
  row?: number;
}

export type JobFormResult = { ok: true; input: JobInput } | { ok: false; problems: JobFormProblem[] };

const MAX_SHIFTS = 31;

/** Checks the form and builds the API body; everything the contract limits, checked here first. */
export function toJobInput(values: JobFormValues): JobFormResult {
  const problems: JobFormProblem[] = [];
  const title = values.title?.trim() ?? '';
  if (!values.siteId) problems.push({ field: 'siteId', key: 'required' });
  if (title.length < 2) problems.push({ field: 'title', key: 'required' });
  if (!values.category) problems.push({ field: 'category', key: 'required' });
  const headcount = values.headcount ?? null;
  if (headcount === null || !Number.isInteger(headcount) || headcount < 1 || headcount > 500)
    problems.push({ field: 'headcount', key: 'headcount' });
  if (!values.wageKind) problems.push({ field: 'wageKind', key: 'required' });
  const wageFen = parseYuan(values.wageYuan);
  if (wageFen === null || wageFen < 1 || wageFen > 100_000_000)
    problems.push({ field: 'wageYuan', key: 'wage' });
  const pieces = values.expectedPieces ?? null;
  if (
    values.wageKind === 'piece' &&
    (pieces === null || !Number.isInteger(pieces) || pieces < 1 || pieces > 100_000)
  )
    problems.push({ field: 'expectedPieces', key: 'pieces' });
  if (!values.settlementCycle) problems.push({ field: 'settlementCycle', key: 'required' });

  const rows = values.shifts ?? [];
  if (rows.length === 0) problems.push({ field: 'shifts', key: 'shiftsNone' });
  if (rows.length > MAX_SHIFTS) problems.push({ field: 'shifts', key: 'shiftsTooMany' });
  const shifts: JobInput['shifts'] = [];
  rows.forEach((row, index) => {
    const instants = row.day && row.start && row.end ? shiftInstants(row.day, row.start, row.end) : null;
    const breakMinutes = row.breakMinutes ?? 0;
    if (!instants || !Number.isInteger(breakMinutes) || breakMinutes < 0 || breakMinutes > 240) {
      problems.push({ field: 'shifts', key: 'shift', row: index });
      return;
    }
    if (paidMinutes({ ...instants, breakMinutes }) <= 0) {
      problems.push({ field: 'shifts', key: 'shiftShort', row: index });
      return;
    }
    shifts.push({ ...instants, breakMinutes });
  });

  if (
    problems.length > 0 ||
    !values.siteId ||
    !values.category ||
    !values.wageKind ||
    !values.settlementCycle
  )
    return { ok: false, problems };
  const requirements = values.requirements?.trim();
  const input: JobInput = {
    siteId: values.siteId,
    title,
    category: values.category,
    skills: values.skills ?? [],
    headcount: headcount ?? 1,
    wageKind: values.wageKind,
    wageFen: wageFen ?? 0,
    ...(values.wageKind === 'piece' && pieces !== null ? { expectedPieces: pieces } : {}),
    settlementCycle: values.settlementCycle,
    ...(requirements ? { requirements } : {}),
    injuryCover: values.injuryCover ?? true,
    shifts: sortByStart(shifts),
  };
  return { ok: true, input };
}

/** A new shift row: the day after the last one, same times (posting a week of shifts is six taps). */
export function nextShiftRow(
  rows: readonly ShiftRow[],
  today: string,
  next: (day: string) => string | null,
): ShiftRow {
  const last = rows[rows.length - 1];
  if (!last?.day) return { day: today, start: '08:00', end: '17:00', breakMinutes: 60 };
  return { ...last, day: next(last.day) ?? last.day };
}
