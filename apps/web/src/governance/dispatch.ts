import type { CaseMoveRequest, DispatchOptions, UnitType } from '@jiedao/contracts';
import { UNIT_TYPES } from '@jiedao/contracts/constants';

export type DispatchUnit = DispatchOptions['units'][number];
export type GridWorker = DispatchOptions['gridWorkers'][number];
type Target = NonNullable<CaseMoveRequest['targets']>[number];

/**
 * The units in the order a dispatcher should see them: those the category suggests first (in the
 * suggested order), then the rest by unit type; within a type the least busy first.
 */
export function orderUnits(
  units: readonly DispatchUnit[],
  suggested: readonly UnitType[],
): { unit: DispatchUnit; suggested: boolean }[] {
  const rank = (type: UnitType) => {
    const index = suggested.indexOf(type);
    return index >= 0 ? index : suggested.length + UNIT_TYPES.indexOf(type);
  };
  return [...units]
    .sort(
      (a, b) =>
        rank(a.unitType) - rank(b.unitType) ||
        a.openTasks - b.openTasks ||
        a.name.localeCompare(b.name, 'zh-CN'),
    )
    .map((unit) => ({ unit, suggested: suggested.includes(unit.unitType) }));
}

/** A target in the dispatch form's select: a unit or a grid worker, in one value. */
export type TargetValue = `unit:${string}` | `worker:${string}`;

export interface DispatchRow {
  target?: TargetValue;
  instructions?: string;
  /** ISO 8601, or nothing for the category's default deadline. */
  dueAt?: string | null;
}

/** The form rows as the API's targets; rows without a target are left out, repeated targets merged. */
export function toDispatchTargets(rows: readonly DispatchRow[]): Target[] {
  const seen = new Set<string>();
  const targets: Target[] = [];
  for (const row of rows) {
    if (!row.target || seen.has(row.target)) continue;
    seen.add(row.target);
    const separator = row.target.indexOf(':');
    const kind = row.target.slice(0, separator);
    const id = row.target.slice(separator + 1);
    const target: Target = kind === 'unit' ? { organisationId: id } : { assigneeAccountId: id };
    const instructions = row.instructions?.trim();
    if (instructions) target.instructions = instructions;
    if (row.dueAt) target.dueAt = row.dueAt;
    targets.push(target);
  }
  return targets;
}
