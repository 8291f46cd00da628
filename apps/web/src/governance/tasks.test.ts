import type { CaseTask } from '@jiedao/contracts';
import { describe, expect, it } from 'vitest';
import { isMyTask, myTasks, taskActionsFor } from './tasks';

const ME = {
  accountId: 'acc-me',
  roles: [
    { role: 'department_staff' as const, communityId: null, organisationId: 'org-cg' },
    { role: 'resident' as const, communityId: null, organisationId: null },
  ],
};

function task(id: string, overrides: Partial<CaseTask>): CaseTask {
  return {
    id,
    organisationId: null,
    organisationName: null,
    unitType: null,
    assigneeAccountId: null,
    assigneeName: null,
    state: 'pending',
    dueAt: null,
    instructions: null,
    result: null,
    photos: [],
    acceptedAt: null,
    completedAt: null,
    ...overrides,
  };
}

describe('my tasks', () => {
  it('recognises tasks for me and for my unit', () => {
    expect(isMyTask(task('a', { assigneeAccountId: 'acc-me' }), ME)).toBe(true);
    expect(isMyTask(task('b', { organisationId: 'org-cg' }), ME)).toBe(true);
    expect(isMyTask(task('c', { organisationId: 'org-police' }), ME)).toBe(false);
    expect(isMyTask(task('d', {}), ME)).toBe(false);
  });

  it('does not take a colleague’s personal task because it is in my unit', () => {
    expect(isMyTask(task('e', { organisationId: 'org-cg', assigneeAccountId: 'acc-other' }), ME)).toBe(false);
  });

  it('lists the live ones first', () => {
    const tasks = [
      task('done', { organisationId: 'org-cg', state: 'done' }),
      task('other', { organisationId: 'org-police' }),
      task('live', { organisationId: 'org-cg', state: 'accepted' }),
    ];
    expect(myTasks(tasks, ME).map((item) => item.id)).toEqual(['live', 'done']);
  });

  it('offers the actions that fit the task state', () => {
    expect(taskActionsFor({ state: 'pending' })).toEqual(['accept', 'return']);
    expect(taskActionsFor({ state: 'accepted' })).toEqual(['complete', 'return']);
    for (const state of ['done', 'returned', 'cancelled'] as const)
      expect(taskActionsFor({ state })).toEqual([]);
  });
});
