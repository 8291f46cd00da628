import type { CaseStage } from '@jiedao/contracts';

/** The three steps a resident follows; the seven stages of the loop are staff detail. */
export type ReportStep = 0 | 1 | 2;

export interface ReportProgress {
  step: ReportStep;
  /** Suspended cases are shown as paused on the "being handled" step. */
  paused: boolean;
}

/** 已受理 (intake, triage) → 处理中 (dispatch … verify, suspended) → 已办结 (evaluation, closed). */
export function reportProgress(stage: CaseStage): ReportProgress {
  switch (stage) {
    case 'intake':
    case 'triage':
    case 'duplicate':
      return { step: 0, paused: false };
    case 'evaluation':
    case 'closed':
      return { step: 2, paused: false };
    case 'suspended':
      return { step: 1, paused: true };
    default:
      return { step: 1, paused: false };
  }
}
