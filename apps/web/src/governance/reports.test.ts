import { CASE_STAGES } from '@jiedao/contracts/constants';
import { describe, expect, it } from 'vitest';
import { reportProgress } from './reports';

describe('reportProgress', () => {
  it('folds the loop into three steps a resident understands', () => {
    expect(CASE_STAGES.map((stage) => [stage, reportProgress(stage).step])).toEqual([
      ['intake', 0],
      ['triage', 0],
      ['dispatch', 1],
      ['handling', 1],
      ['feedback', 1],
      ['verify', 1],
      ['evaluation', 2],
      ['closed', 2],
      ['suspended', 1],
      ['duplicate', 0],
    ]);
  });

  it('marks suspended cases as paused', () => {
    expect(reportProgress('suspended').paused).toBe(true);
    expect(reportProgress('handling').paused).toBe(false);
  });
});
