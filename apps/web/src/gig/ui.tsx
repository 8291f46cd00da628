import { CheckCircleFilled } from '@ant-design/icons';
import type { Shift, WorkerCard } from '@jiedao/contracts';
import { Badge, Button, Flex, Input, Tag, Typography } from 'antd';
import type { InputProps } from 'antd';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { formatSignedFen, formatFen } from './money';
import { useGigLabels } from './labels';
import type { ApplicationState, AssignmentState } from './stream';
import { hoursAndMinutes, shanghaiLocal, shiftSpan, sortByStart } from './time';

/** Money in fen as `¥12.50` (or signed, for wallet entries). */
export function Money({
  fen,
  signed = false,
  strong = false,
}: {
  fen: number;
  signed?: boolean;
  strong?: boolean;
}) {
  const text = signed ? formatSignedFen(fen) : formatFen(fen);
  const tone = signed ? (fen > 0 ? 'gig-money-in' : fen < 0 ? 'gig-money-out' : '') : '';
  return <span className={`mono gig-money ${tone}${strong ? ' gig-money-strong' : ''}`}>{text}</span>;
}

/** "8 小时 30 分". */
export function useDuration(): (minutes: number | null) => string {
  const { t } = useTranslation();
  return (minutes) => {
    if (minutes === null) return t('common.none');
    const split = hoursAndMinutes(minutes);
    if (split.hours === 0) return t('gig.common.minutes', { minutes: split.minutes });
    if (split.minutes === 0) return t('gig.common.hours', { hours: split.hours });
    return t('gig.common.hoursMinutes', split);
  };
}

/** One shift in Shanghai time: "2026-11-29 周日 08:00–17:00", a night shift with its end day. */
export function ShiftTimes({
  startsAt,
  endsAt,
  breakMinutes,
}: {
  startsAt: string;
  endsAt: string;
  breakMinutes?: number;
}) {
  const { t } = useTranslation();
  const span = shiftSpan(startsAt, endsAt);
  if (!span) return <span>{t('common.none')}</span>;
  const weekday = t(`weekday.${String(span.start.weekday) as '1'}`);
  const end = span.overnight ? t('gig.common.nextDay', { time: span.end.time }) : span.end.time;
  return (
    <span className="gig-shift-times">
      <span className="mono">{span.start.day}</span> {weekday}{' '}
      <span className="mono">
        {span.start.time}–{end}
      </span>
      {breakMinutes ? (
        <span className="muted-small"> {t('gig.common.break', { minutes: breakMinutes })}</span>
      ) : null}
    </span>
  );
}

const APPLICATION_COLORS: Record<ApplicationState, string> = {
  applied: 'blue',
  offered: 'gold',
  accepted: 'cyan',
  hired: 'green',
  declined: 'default',
  withdrawn: 'default',
  rejected: 'default',
  cancelled: 'default',
};

const ASSIGNMENT_COLORS: Record<AssignmentState, string> = {
  scheduled: 'blue',
  on_shift: 'processing',
  awaiting_confirmation: 'gold',
  disputed: 'red',
  paid: 'green',
  no_show: 'volcano',
  cancelled: 'default',
};

/** A job's earliest shift and, when it has more, how many in all (job cards); nothing without shifts. */
export function FirstShift({ shifts, secondary = false }: { shifts: readonly Shift[]; secondary?: boolean }) {
  const { t } = useTranslation();
  const first = sortByStart(shifts)[0];
  if (!first) return null;
  return (
    <Typography.Text type={secondary ? 'secondary' : undefined}>
      <ShiftTimes startsAt={first.startsAt} endsAt={first.endsAt} />
      {shifts.length > 1 ? ` ${t('gig.feed.moreShifts', { shifts: shifts.length })}` : ''}
    </Typography.Text>
  );
}

export function ApplicationStateTag({ state }: { state: ApplicationState }) {
  const labels = useGigLabels();
  return (
    <Tag color={APPLICATION_COLORS[state]} data-state={state}>
      {labels.applicationState(state)}
    </Tag>
  );
}

export function AssignmentStateTag({ state }: { state: AssignmentState }) {
  const labels = useGigLabels();
  return (
    <Tag color={ASSIGNMENT_COLORS[state]} data-state={state}>
      {labels.assignmentState(state)}
    </Tag>
  );
}

const JOB_COLORS: Record<string, string> = {
  open: 'green',
  filled: 'blue',
  closed: 'default',
  cancelled: 'default',
};
const PAYOUT_COLORS: Record<string, string> = {
  requested: 'default',
  submitted: 'processing',
  paid: 'green',
  refused: 'red',
};

export function JobStatusTag({ status }: { status: string }) {
  const labels = useGigLabels();
  return (
    <Tag color={JOB_COLORS[status] ?? 'default'} data-status={status}>
      {labels.jobStatus(status)}
    </Tag>
  );
}

export function PayoutStateTag({ state }: { state: string }) {
  const labels = useGigLabels();
  return (
    <Tag color={PAYOUT_COLORS[state] ?? 'default'} data-state={state}>
      {labels.payoutState(state)}
    </Tag>
  );
}

interface TileOption<T extends string | number> {
  value: T;
  label: ReactNode;
}

/** Big one-tap tiles (no dropdown: 长者模式 avoids pop-ups), as a radio group. */
export function TileSelect<T extends string | number>({
  options,
  value,
  onChange,
  label,
  testIdPrefix,
}: {
  options: readonly TileOption<T>[];
  value?: T | undefined;
  onChange?: ((value: T) => void) | undefined;
  label: string;
  testIdPrefix: string;
}) {
  return (
    <div className="choice-tiles" role="radiogroup" aria-label={label}>
      {options.map((option) => {
        const checked = value === option.value;
        return (
          <button
            key={String(option.value)}
            type="button"
            role="radio"
            aria-checked={checked}
            className={checked ? 'choice-tile choice-tile-checked' : 'choice-tile'}
            onClick={() => onChange?.(option.value)}
            data-testid={`${testIdPrefix}-${String(option.value)}`}
          >
            {checked && <CheckCircleFilled aria-hidden="true" />}
            <span>{option.label}</span>
          </button>
        );
      })}
    </div>
  );
}

/** Big tiles for choosing several (categories, skills), each a checkbox. */
export function TileMultiSelect<T extends string>({
  options,
  value,
  onChange,
  label,
  testIdPrefix,
  max,
}: {
  options: readonly TileOption<T>[];
  value?: readonly T[] | undefined;
  onChange?: ((value: T[]) => void) | undefined;
  label: string;
  testIdPrefix: string;
  max?: number;
}) {
  const chosen = value ?? [];
  return (
    <div className="choice-tiles" role="group" aria-label={label}>
      {options.map((option) => {
        const checked = chosen.includes(option.value);
        const full = max !== undefined && chosen.length >= max && !checked;
        return (
          <button
            key={option.value}
            type="button"
            role="checkbox"
            aria-checked={checked}
            disabled={full}
            className={checked ? 'choice-tile choice-tile-checked' : 'choice-tile'}
            onClick={() =>
              onChange?.(checked ? chosen.filter((item) => item !== option.value) : [...chosen, option.value])
            }
            data-testid={`${testIdPrefix}-${option.value}`}
          >
            {checked && <CheckCircleFilled aria-hidden="true" />}
            <span>{option.label}</span>
          </button>
        );
      })}
    </div>
  );
}

/** A yuan amount typed as text (never a float on the way to fen: see money.ts). */
export function YuanInput(props: Omit<InputProps, 'prefix' | 'inputMode'>) {
  return <Input {...props} prefix="¥" inputMode="decimal" autoComplete="off" maxLength={14} />;
}

export interface GigTab {
  to: string;
  label: string;
  badge?: number;
  testId: string;
  end?: boolean;
}

/** The section's own navigation: big links with live badges, scrolling sideways on a narrow phone. */
export function GigTabs({ tabs, label }: { tabs: readonly GigTab[]; label: string }) {
  return (
    <nav className="gig-tabs" aria-label={label}>
      {tabs.map((tab) => (
        <NavLink
          key={tab.to}
          to={tab.to}
          end={tab.end ?? false}
          className={({ isActive }) => (isActive ? 'gig-tab gig-tab-current' : 'gig-tab')}
          data-testid={tab.testId}
        >
          <Badge count={tab.badge ?? 0} size="small" offset={[6, -4]}>
            <span>{tab.label}</span>
          </Badge>
        </NavLink>
      ))}
    </nav>
  );
}

/** A worker as the employer sees them: masked name, reliability, rating, shifts done, distance, skills. */
export function WorkerSummary({ worker }: { worker: WorkerCard }) {
  const { t } = useTranslation();
  const labels = useGigLabels();
  return (
    <Flex vertical gap={4}>
      <Flex gap={8} align="center" wrap="wrap">
        <Typography.Text strong>{worker.name}</Typography.Text>
        <Tag color={worker.reliability >= 80 ? 'green' : worker.reliability >= 60 ? 'gold' : 'red'}>
          {t('gig.worker.reliability', { value: worker.reliability })}
        </Tag>
        <Typography.Text type="secondary">
          {worker.rating === null
            ? t('gig.worker.noRating')
            : t('gig.worker.rating', { rating: worker.rating.toFixed(1) })}
        </Typography.Text>
        <Typography.Text type="secondary">
          {t('gig.worker.shiftsDone', { shifts: worker.shiftsDone })}
        </Typography.Text>
        {worker.distanceKm !== null && (
          <Typography.Text type="secondary">
            {t('gig.common.km', { km: worker.distanceKm.toFixed(1) })}
          </Typography.Text>
        )}
      </Flex>
      <Flex gap={4} wrap="wrap">
        {worker.categories.map((code) => (
          <Tag key={code}>{labels.category(code)}</Tag>
        ))}
        {worker.skills.map((code) => (
          <Tag key={code} color="blue">
            {labels.skill(code)}
          </Tag>
        ))}
      </Flex>
    </Flex>
  );
}

/**
 * A two-step button for actions that cannot be undone, inline (no pop-up confirm: 长者模式): the first
 * tap asks, the second does it.
 */
export function ConfirmButton({
  label,
  confirmLabel,
  question,
  onConfirm,
  loading,
  danger = false,
  testId,
  block = false,
}: {
  label: string;
  confirmLabel: string;
  /** The question; a function is asked when the first tap happens (e.g. "starts within 24 hours?"). */
  question: string | (() => string);
  onConfirm: () => void;
  loading?: boolean;
  danger?: boolean;
  testId: string;
  block?: boolean;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState<string | null>(null);
  if (asking === null)
    return (
      <Button
        size="large"
        danger={danger}
        block={block}
        onClick={() => {
          setAsking(typeof question === 'function' ? question() : question);
        }}
        data-testid={testId}
      >
        {label}
      </Button>
    );
  return (
    <div className="gig-confirm" role="group" aria-label={asking}>
      <Typography.Text strong>{asking}</Typography.Text>
      <Flex gap={8} wrap="wrap">
        <Button
          size="large"
          type="primary"
          danger={danger}
          loading={loading ?? false}
          onClick={onConfirm}
          data-testid={`${testId}-confirm`}
        >
          {confirmLabel}
        </Button>
        <Button
          size="large"
          onClick={() => {
            setAsking(null);
          }}
        >
          {t('common.cancel')}
        </Button>
      </Flex>
    </div>
  );
}

/** Filter chips in a row that scrolls sideways (no dropdown to aim at on a phone). */
export function FilterChips<T extends string>({
  options,
  value,
  onChange,
  label,
  testIdPrefix,
}: {
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
  label: string;
  testIdPrefix: string;
}) {
  return (
    <div className="gig-chips" role="group" aria-label={label}>
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          aria-pressed={option.value === value}
          className={option.value === value ? 'gig-chip gig-chip-current' : 'gig-chip'}
          onClick={() => {
            onChange(option.value);
          }}
          data-testid={`${testIdPrefix}-${option.value}`}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}

/** An instant as "2026-11-29 周日 08:00" (Asia/Shanghai). */
export function LocalDateTime({ iso }: { iso: string }) {
  const { t } = useTranslation();
  const local = shanghaiLocal(iso);
  if (!local) return <span>{t('common.none')}</span>;
  return (
    <span>
      <span className="mono">{local.day}</span> {t(`weekday.${String(local.weekday) as '1'}`)}{' '}
      <span className="mono">{local.time}</span>
    </span>
  );
}
