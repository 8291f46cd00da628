import type { CaseStage, CaseSummary, Severity } from '@jiedao/contracts';
import { Badge, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../format';
import { slaState } from './sla';
import { useNow } from './ticker';
import type { StreamStatus } from './useGovernanceStream';
import { useGovLabels } from './useGovLabels';

/** Severity colours, shared by tags, the big screen's map and its legend. */
export const SEVERITY_COLORS: Record<Severity, string> = {
  critical: '#f5222d',
  high: '#fa8c16',
  medium: '#fadb14',
  low: '#40a9ff',
};

const SEVERITY_TAG: Record<Severity, string> = {
  critical: 'red',
  high: 'volcano',
  medium: 'gold',
  low: 'blue',
};

const STAGE_TAG: Record<CaseStage, string> = {
  intake: 'orange',
  triage: 'cyan',
  dispatch: 'blue',
  handling: 'geekblue',
  feedback: 'purple',
  verify: 'magenta',
  evaluation: 'gold',
  closed: 'green',
  suspended: 'default',
  duplicate: 'default',
};

export function SeverityTag({ severity }: { severity: Severity }) {
  const labels = useGovLabels();
  return (
    <Tag color={SEVERITY_TAG[severity]} data-severity={severity}>
      {labels.severity(severity)}
    </Tag>
  );
}

export function StageTag({ stage }: { stage: CaseStage }) {
  const labels = useGovLabels();
  return (
    <Tag color={STAGE_TAG[stage]} data-stage={stage} data-testid="stage-tag">
      {labels.stage(stage)}
    </Tag>
  );
}

/** 督办 badge: level 1 is a reminder, 2+ an escalation that many times. */
export function EscalationTag({ level }: { level: number }) {
  const { t } = useTranslation();
  if (level <= 0) return null;
  if (level === 1)
    return (
      <Tag color="warning" data-testid="escalation">
        {t('sla.reminded')}
      </Tag>
    );
  return (
    <Tag color="error" data-testid="escalation">
      {level === 2 ? t('sla.escalated') : t('sla.escalatedLevel', { level: level - 1 })}
    </Tag>
  );
}

type SlaFields = Pick<CaseSummary, 'stage' | 'responseDueAt' | 'resolveDueAt' | 'respondedAt' | 'closedAt'>;

/** A live countdown to the case's current deadline; red once it has passed. Ticks every second. */
export function SlaCountdown({ summary }: { summary: SlaFields }) {
  const { t } = useTranslation();
  const labels = useGovLabels();
  const now = useNow();
  const state = slaState(summary, now);
  if (!state) return <span className="sla sla-none">{t('common.none')}</span>;
  const phase = t(state.phase === 'response' ? 'sla.response' : 'sla.resolve');
  const time = labels.duration(state.remainingMs);
  return (
    <Tooltip title={t('sla.dueAt', { time: formatDateTime(state.dueAt) })}>
      <span className={`sla sla-${state.urgency} mono`} data-testid="sla" data-urgency={state.urgency}>
        {state.overdue ? t('sla.overdue', { phase, time }) : t('sla.remaining', { phase, time })}
      </span>
    </Tooltip>
  );
}

const STREAM_BADGE: Record<StreamStatus, 'success' | 'processing' | 'warning' | 'error'> = {
  live: 'success',
  connecting: 'processing',
  reconnecting: 'warning',
  closed: 'error',
};

/** Whether the live stream is connected: a dot and a word, with what "live" means on hover. */
export function StreamIndicator({ status }: { status: StreamStatus }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('stream.liveHelp')}>
      <span className="stream-indicator" data-testid="stream-status" data-status={status} role="status">
        <Badge status={STREAM_BADGE[status]} text={t(`stream.${status}`)} />
      </span>
    </Tooltip>
  );
}

/** Photos stored with cases are `/api/attachments/<id>` paths; other sources may send full URLs. */
export function isSameOriginPhoto(url: string): boolean {
  return url.startsWith('/');
}
