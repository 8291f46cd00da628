import { CASE_MOVES, CASE_STAGES } from '@jiedao/contracts/constants';
import { describe, expect, it } from 'vitest';
import { CASE_MACHINE, caseMovesFor, decideCaseMove } from './case-workflow.js';

describe('case state machine', () => {
  it('walks the seven stages of the closed loop with the roles that own each step', () => {
    const path: Array<[Parameters<typeof decideCaseMove>[1], Parameters<typeof decideCaseMove>[2]]> = [
      ['accept', ['dispatcher']],
      ['dispatch', ['dispatcher']],
      ['start', ['department_staff']],
      ['submit_feedback', ['department_staff']],
      ['verify', ['grid_worker']],
      ['close', ['dispatcher']],
      ['evaluate', ['resident']],
    ];
    let stage = CASE_MACHINE.initial;
    const visited = [stage];
    for (const [move, roles] of path) {
      const result = decideCaseMove(stage, move, roles);
      expect(result.ok, `${move} from ${stage}`).toBe(true);
      if (result.ok) stage = result.to;
      visited.push(stage);
    }
    expect(visited).toEqual([
      'intake',
      'triage',
      'dispatch',
      'handling',
      'feedback',
      'verify',
      'evaluation',
      'closed',
    ]);
  });

  it('refuses a move the role may not make, naming the moves it may', () => {
    const result = decideCaseMove('triage', 'dispatch', ['department_staff']);
    expect(result).toEqual({ ok: false, reason: 'role_forbidden', allowed: [] });
    const resident = decideCaseMove('handling', 'close', ['resident']);
    expect(resident.ok).toBe(false);
  });

  it('refuses a move the stage does not allow and lists the allowed ones', () => {
    const result = decideCaseMove('intake', 'close', ['dispatcher']);
    expect(result).toEqual({
      ok: false,
      reason: 'not_allowed_in_state',
      allowed: ['accept', 'suspend', 'mark_duplicate'],
    });
  });

  it('return leads back to triage from a unit and back to handling from the command center', () => {
    expect(decideCaseMove('handling', 'return', ['department_staff'])).toMatchObject({
      ok: true,
      to: 'triage',
    });
    expect(decideCaseMove('feedback', 'return', ['dispatcher'])).toMatchObject({ ok: true, to: 'handling' });
  });

  it('a duplicate is final and a closed case can be reopened', () => {
    expect(caseMovesFor('duplicate', ['dispatcher', 'tenant_admin'])).toEqual([]);
    expect(caseMovesFor('closed', ['dispatcher'])).toEqual(['reopen']);
  });

  it('names only known stages and moves', () => {
    for (const rule of CASE_MACHINE.rules) {
      expect(CASE_MOVES).toContain(rule.move);
      for (const from of rule.from) expect(CASE_STAGES).toContain(from);
    }
  });
});
