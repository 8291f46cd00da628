import type { CaseTask, Me } from '@jiedao/contracts';

export type TaskAction = 'accept' | 'complete' | 'return';

type Holder = Pick<Me, 'accountId' | 'roles'>;

/**
 * Whether a sub-task is the signed-in account's to handle: assigned to the person, or to a unit
 * (organisation) the person works for through one of their roles.
 */
export function isMyTask(task: Pick<CaseTask, 'assigneeAccountId' | 'organisationId'>, me: Holder): boolean {
  if (task.assigneeAccountId !== null) return task.assigneeAccountId === me.accountId;
  if (task.organisationId === null) return false;
  return me.roles.some((role) => role.organisationId === task.organisationId);
}

const LIVE: ReadonlySet<CaseTask['state']> = new Set(['pending', 'accepted']);

/** My tasks on a case, the ones still to do first (a case can hold several after a joint dispatch). */
export function myTasks(tasks: readonly CaseTask[], me: Holder): CaseTask[] {
  return tasks
    .filter((task) => isMyTask(task, me))
    .sort((a, b) => Number(LIVE.has(b.state)) - Number(LIVE.has(a.state)));
}

/** What the holder can do with a task in its state: accept or send back a new one; finish or send back an accepted one. */
export function taskActionsFor(task: Pick<CaseTask, 'state'>): TaskAction[] {
  switch (task.state) {
    case 'pending':
      return ['accept', 'return'];
    case 'accepted':
      return ['complete', 'return'];
    default:
      return [];
  }
}
