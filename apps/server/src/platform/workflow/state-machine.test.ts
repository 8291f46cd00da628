import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowedMoves, applyMove, findDefinitionProblems, type MachineDefinition } from './state-machine.js';

type State = 'open' | 'assigned' | 'suspended' | 'closed';
type Move = 'assign' | 'suspend' | 'resume' | 'close' | 'reopen';
type Role = 'dispatcher' | 'worker' | 'resident';

const STATES: State[] = ['open', 'assigned', 'suspended', 'closed'];
const MOVES: Move[] = ['assign', 'suspend', 'resume', 'close', 'reopen'];
const ROLES: Role[] = ['dispatcher', 'worker', 'resident'];

const machine: MachineDefinition<State, Move, Role> = {
  states: STATES,
  initial: 'open',
  terminal: [],
  rules: [
    { move: 'assign', from: ['open'], to: 'assigned', roles: ['dispatcher'] },
    { move: 'suspend', from: ['open', 'assigned'], to: 'suspended', roles: ['dispatcher'] },
    { move: 'resume', from: ['suspended'], to: 'open', roles: ['dispatcher'] },
    { move: 'close', from: ['assigned'], to: 'closed', roles: ['worker', 'dispatcher'] },
    { move: 'reopen', from: ['closed'], to: 'open', roles: ['resident', 'dispatcher'] },
  ],
};

describe('state machine', () => {
  it('applies a permitted move and refuses others with the moves that are allowed', () => {
    expect(applyMove(machine, 'open', 'assign', ['dispatcher'])).toEqual({
      ok: true,
      from: 'open',
      to: 'assigned',
      move: 'assign',
    });
    expect(applyMove(machine, 'open', 'assign', ['worker'])).toEqual({
      ok: false,
      reason: 'role_forbidden',
      allowed: [],
    });
    expect(applyMove(machine, 'open', 'close', ['worker', 'dispatcher'])).toEqual({
      ok: false,
      reason: 'not_allowed_in_state',
      allowed: ['assign', 'suspend'],
    });
    expect(allowedMoves(machine, 'closed', ['resident'])).toEqual(['reopen']);
  });

  it('finds problems in a broken definition and none in a sound one', () => {
    expect(findDefinitionProblems(machine)).toEqual([]);
    const broken: MachineDefinition<string, string, string> = {
      states: ['a', 'b', 'end'],
      initial: 'x',
      terminal: ['end'],
      rules: [
        { move: 'go', from: ['a'], to: 'nowhere', roles: ['r'] },
        { move: 'leave', from: ['end'], to: 'a', roles: [] },
      ],
    };
    expect(findDefinitionProblems(broken)).toEqual([
      'initial state "x" is not a state',
      'move "go" from "a" leads to unknown state "nowhere"',
      'move "leave" leaves terminal state "end"',
      'move "leave" has no role that may make it',
      'state "b" has no way out',
    ]);
  });

  it('succeeds exactly for the moves allowedMoves lists, and only into known states (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STATES),
        fc.constantFrom(...MOVES),
        fc.subarray(ROLES),
        (state, move, roles) => {
          const result = applyMove(machine, state, move, roles);
          expect(result.ok).toBe(allowedMoves(machine, state, roles).includes(move));
          if (result.ok) expect(STATES).toContain(result.to);
          else expect(result.allowed).toEqual(allowedMoves(machine, state, roles));
        },
      ),
    );
  });
});
