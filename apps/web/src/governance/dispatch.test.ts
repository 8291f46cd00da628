import { describe, expect, it } from 'vitest';
import { orderUnits, toDispatchTargets, type DispatchUnit } from './dispatch';

const unit = (name: string, unitType: DispatchUnit['unitType'], openTasks = 0): DispatchUnit => ({
  organisationId: `org-${name}`,
  name,
  unitType,
  openTasks,
});

describe('orderUnits', () => {
  it('puts the suggested unit types first, in the suggested order', () => {
    const ordered = orderUnits(
      [unit('派出所', 'police'), unit('物业', 'property'), unit('城管', 'urban_management')],
      ['urban_management', 'property'],
    );
    expect(ordered.map((entry) => [entry.unit.name, entry.suggested])).toEqual([
      ['城管', true],
      ['物业', true],
      ['派出所', false],
    ]);
  });

  it('prefers the less busy unit of the same type', () => {
    const ordered = orderUnits([unit('A', 'community', 5), unit('B', 'community', 1)], []);
    expect(ordered.map((entry) => entry.unit.name)).toEqual(['B', 'A']);
  });
});

describe('toDispatchTargets', () => {
  it('turns form rows into targets for units and grid workers', () => {
    expect(
      toDispatchTargets([
        { target: 'unit:org-1', instructions: '  请尽快到场  ', dueAt: '2026-11-30T02:00:00.000Z' },
        { target: 'worker:acc-2', instructions: '' },
      ]),
    ).toEqual([
      { organisationId: 'org-1', instructions: '请尽快到场', dueAt: '2026-11-30T02:00:00.000Z' },
      { assigneeAccountId: 'acc-2' },
    ]);
  });

  it('skips empty rows and repeated targets', () => {
    expect(toDispatchTargets([{}, { target: 'unit:a' }, { target: 'unit:a', instructions: 'x' }])).toEqual([
      { organisationId: 'a' },
    ]);
  });
});
