import type { CaseSummary } from '@jiedao/contracts';

/** Which promise the clock is counting towards: the first response, or the resolution. */
export type SlaPhase = 'response' | 'resolve';

export type SlaUrgency = 'ok' | 'soon' | 'overdue';

export interface SlaState {
  phase: SlaPhase;
  dueAt: string;
  /** Milliseconds until the deadline; negative once it has passed. */
  remainingMs: number;
  overdue: boolean;
  urgency: SlaUrgency;
}

/** Stages in which no service-level clock runs: the loop is finished, paused or folded into another case. */
const STOPPED = new Set<CaseSummary['stage']>(['evaluation', 'closed', 'suspended', 'duplicate']);

/** Less than this left counts as "due soon" (amber), whatever the total allowance was. */
export const SOON_MS = 15 * 60_000;

type SlaFields = Pick<CaseSummary, 'stage' | 'responseDueAt' | 'resolveDueAt' | 'respondedAt' | 'closedAt'>;

/**
 * The deadline a case is racing now. Until someone responds it is the response deadline (响应时限);
 * after that the resolution deadline (办结时限). `null` when no clock runs.
 */
export function slaState(summary: SlaFields, nowMs: number): SlaState | null {
  if (summary.closedAt !== null || STOPPED.has(summary.stage)) return null;
  const phase: SlaPhase | null =
    summary.respondedAt === null && summary.responseDueAt !== null
      ? 'response'
      : summary.resolveDueAt !== null
        ? 'resolve'
        : null;
  if (phase === null) return null;
  const dueAt = phase === 'response' ? summary.responseDueAt : summary.resolveDueAt;
  if (dueAt === null) return null;
  const due = Date.parse(dueAt);
  if (Number.isNaN(due)) return null;
  const remainingMs = due - nowMs;
  const overdue = remainingMs < 0;
  return {
    phase,
    dueAt,
    remainingMs,
    overdue,
    urgency: overdue ? 'overdue' : remainingMs <= SOON_MS ? 'soon' : 'ok',
  };
}

export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** Splits an absolute duration into whole days, hours, minutes and seconds (rounded down to the second). */
export function splitDuration(ms: number): DurationParts {
  const total = Math.floor(Math.abs(ms) / 1000);
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
}

/** The wording of the three precisions, supplied by the UI language. */
export interface DurationWords {
  daysHours: (days: number, hours: number) => string;
  hoursMinutes: (hours: number, minutes: string) => string;
  minutesSeconds: (minutes: number, seconds: string) => string;
}

/**
 * A duration at the precision a dispatcher needs: days and hours when it is long, hours and minutes
 * within a day, minutes and seconds in the last hour (when every second counts and the display ticks).
 */
export function formatDuration(ms: number, words: DurationWords): string {
  const { days, hours, minutes, seconds } = splitDuration(ms);
  if (days > 0) return words.daysHours(days, hours);
  if (hours > 0) return words.hoursMinutes(hours, String(minutes).padStart(2, '0'));
  return words.minutesSeconds(minutes, String(seconds).padStart(2, '0'));
}
