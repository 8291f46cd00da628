import { ACTIVE_CASE_STAGES, type CaseMove, type CaseStage, type Role } from '@jiedao/contracts/constants';
import {
  allowedMoves,
  applyMove,
  findDefinitionProblems,
  type MachineDefinition,
} from '../../platform/workflow/state-machine.js';

/** Who may move a case: the account roles, and `system` for Jiedao's own moves (auto-evaluation). */
export type CaseActorRole = Role | 'system';

const COMMAND: CaseActorRole[] = ['dispatcher', 'tenant_admin'];
const HANDLERS: CaseActorRole[] = ['department_staff', 'grid_worker'];

/**
 * The closed loop as one table. `resume` returns to the stage the case was suspended in; the table
 * names `triage` as its target and the service substitutes the stored stage (see cases.service).
 */
export const CASE_MACHINE: MachineDefinition<CaseStage, CaseMove, CaseActorRole> = {
  states: [
    'intake',
    'triage',
    'dispatch',
    'handling',
    'feedback',
    'verify',
    'evaluation',
    'closed',
    'suspended',
    'duplicate',
  ],
  initial: 'intake',
  terminal: ['duplicate'],
  rules: [
    { move: 'accept', from: ['intake'], to: 'triage', roles: [...COMMAND, 'grid_worker'] },
    { move: 'dispatch', from: ['triage'], to: 'dispatch', roles: COMMAND },
    { move: 'start', from: ['dispatch'], to: 'handling', roles: HANDLERS },
    { move: 'submit_feedback', from: ['handling'], to: 'feedback', roles: HANDLERS },
    { move: 'verify', from: ['feedback'], to: 'verify', roles: [...COMMAND, 'grid_worker'] },
    { move: 'close', from: ['verify'], to: 'evaluation', roles: COMMAND },
    { move: 'evaluate', from: ['evaluation'], to: 'closed', roles: ['resident', ...COMMAND, 'system'] },
    // 退回: a unit sends back a task that is not its own; the command center sends back a poor result.
    { move: 'return', from: ['dispatch', 'handling'], to: 'triage', roles: [...HANDLERS, ...COMMAND] },
    { move: 'return', from: ['feedback', 'verify'], to: 'handling', roles: COMMAND },
    { move: 'transfer', from: ['dispatch', 'handling'], to: 'dispatch', roles: COMMAND },
    { move: 'suspend', from: ACTIVE_CASE_STAGES, to: 'suspended', roles: COMMAND },
    { move: 'resume', from: ['suspended'], to: 'triage', roles: COMMAND },
    { move: 'reopen', from: ['evaluation', 'closed'], to: 'triage', roles: COMMAND },
    { move: 'mark_duplicate', from: ['intake', 'triage'], to: 'duplicate', roles: COMMAND },
  ],
};

const problems = findDefinitionProblems(CASE_MACHINE);
if (problems.length > 0) throw new Error(`Case state machine is unsound: ${problems.join('; ')}`);

export function caseMovesFor(stage: CaseStage, roles: readonly CaseActorRole[]): CaseMove[] {
  return allowedMoves(CASE_MACHINE, stage, roles);
}

export function decideCaseMove(stage: CaseStage, move: CaseMove, roles: readonly CaseActorRole[]) {
  return applyMove(CASE_MACHINE, stage, move, roles);
}
