/**
 * The worker's weekly availability. The API keeps it as seven 24-bit masks (Monday first; bit h is the
 * local hour h:00–h:59, Asia/Shanghai). People think in parts of the day, so the picker offers four per
 * weekday; a part counts as `on` when every one of its hours is set. Masks set elsewhere (the offline
 * desk, an older app) may cover a part only in places: such a part is `partial` and is written back
 * exactly as it was unless the person taps it.
 */

export const DAY_PERIODS = [
  { key: 'morning', from: 6, to: 12 },
  { key: 'afternoon', from: 12, to: 18 },
  { key: 'evening', from: 18, to: 24 },
  { key: 'night', from: 0, to: 6 },
] as const;
export type DayPeriod = (typeof DAY_PERIODS)[number]['key'];
export type PeriodState = 'on' | 'off' | 'partial';

/** Seven weekdays (Monday first) × the four parts of the day, in DAY_PERIODS order. */
export type Availability = readonly (readonly PeriodState[])[];

export const WEEKDAYS = 7;
export const ALL_HOURS = 0xffffff;

/** The bits of hours `from`…`to − 1`. */
export function hoursMask(from: number, to: number): number {
  let mask = 0;
  for (let hour = Math.max(0, from); hour < Math.min(24, to); hour++) mask |= 1 << hour;
  return mask;
}

export function periodMask(period: DayPeriod): number {
  const definition = DAY_PERIODS.find((candidate) => candidate.key === period);
  return definition ? hoursMask(definition.from, definition.to) : 0;
}

function stateOf(dayMask: number, mask: number): PeriodState {
  const covered = dayMask & mask;
  if (covered === mask) return 'on';
  return covered === 0 ? 'off' : 'partial';
}

/** Masks → the picker's toggles. Missing days count as never available. */
export function toAvailability(weekHours: readonly number[]): Availability {
  return Array.from({ length: WEEKDAYS }, (_, day) => {
    const dayMask = (weekHours[day] ?? 0) & ALL_HOURS;
    return DAY_PERIODS.map((period) => stateOf(dayMask, hoursMask(period.from, period.to)));
  });
}

/**
 * The toggles → masks. `on` sets every hour of the part and `off` clears it; `partial` keeps the hours
 * `previous` had there (so opening and saving the picker never changes what it could not show).
 */
export function toWeekHours(availability: Availability, previous: readonly number[] = []): number[] {
  return Array.from({ length: WEEKDAYS }, (_, day) => {
    const before = (previous[day] ?? 0) & ALL_HOURS;
    let mask = 0;
    DAY_PERIODS.forEach((period, index) => {
      const bits = hoursMask(period.from, period.to);
      const state = availability[day]?.[index] ?? 'off';
      if (state === 'on') mask |= bits;
      else if (state === 'partial') mask |= before & bits;
    });
    return mask;
  });
}

/** Tapping a part: off or partial becomes on, on becomes off. */
export function togglePeriod(availability: Availability, day: number, period: number): Availability {
  return availability.map((states, index) =>
    index === day
      ? states.map((state, at) => (at === period ? (state === 'on' ? 'off' : 'on') : state))
      : states,
  );
}

/** Turns one part of the day on (or off) for every weekday at once. */
export function setPeriodEveryDay(availability: Availability, period: number, on: boolean): Availability {
  return availability.map((states) =>
    states.map((state, at) => (at === period ? (on ? 'on' : 'off') : state)),
  );
}

/** A new worker's starting point: mornings and afternoons, every day. */
export const DEFAULT_WEEK_HOURS: readonly number[] = Array.from({ length: WEEKDAYS }, () => hoursMask(6, 18));

/** Whether the worker is available at all (the server would find them no jobs otherwise). */
export function hasAnyHours(weekHours: readonly number[]): boolean {
  return weekHours.some((mask) => (mask & ALL_HOURS) !== 0);
}
