import type {
  CaseStage,
  DeviceState,
  DeviceType,
  Linkage,
  Severity,
  SourceMapping,
  TaskState,
  UnitType,
} from '@jiedao/contracts';
import { CASE_MOVES, categoryOf } from '@jiedao/contracts/constants';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import '../i18n/governance';
import { toLanguage } from '../i18n/languages';
import { formatDuration, type DurationWords } from './sla';

export interface GovLabels {
  /** A category code (unknown codes from a newer server are shown as they are). */
  category: (code: string) => string;
  linkage: (linkage: Linkage) => string;
  severity: (severity: Severity) => string;
  stage: (stage: CaseStage) => string;
  move: (move: string) => string;
  unitType: (unitType: UnitType | null) => string;
  deviceType: (type: DeviceType) => string;
  deviceState: (state: DeviceState) => string;
  taskState: (state: TaskState) => string;
  channel: (channel: string) => string;
  mapping: (mapping: SourceMapping) => string;
  /** A timeline entry's action: a move, a task action, or one of the system's own records. */
  action: (action: string) => string;
  duration: (ms: number) => string;
}

const TIMELINE_ACTIONS = [
  'created',
  'task_accept',
  'task_complete',
  'task_return',
  'note',
  'duplicate_merged',
  'merged_into_storm',
  'storm_detected',
  'device_recovered',
  'reminded',
  'escalated',
  'evaluated',
] as const;

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** Translated names of the command center's vocabulary. Categories use the contract's own zh/en names. */
export function useGovLabels(): GovLabels {
  const { t, i18n } = useTranslation();
  const english = toLanguage(i18n.language) === 'en';
  return useMemo(() => {
    const words: DurationWords = {
      daysHours: (days, hours) => t('sla.daysHours', { days, hours }),
      hoursMinutes: (hours, minutes) => t('sla.hoursMinutes', { hours, minutes }),
      minutesSeconds: (minutes, seconds) => t('sla.minutesSeconds', { minutes, seconds }),
    };
    const move = (value: string) => (isOneOf(CASE_MOVES, value) ? t(`caseMove.${value}`) : value);
    return {
      category: (code) => {
        const definition = categoryOf(code);
        if (!definition) return code;
        return english ? definition.en : definition.zh;
      },
      linkage: (linkage) => t(`linkage.${linkage}`),
      severity: (severity) => t(`severity.${severity}`),
      stage: (stage) => t(`caseStage.${stage}`),
      move,
      unitType: (unitType) => (unitType ? t(`unitType.${unitType}`) : t('common.none')),
      deviceType: (type) => t(`deviceType.${type}`),
      deviceState: (state) => t(`deviceState.${state}`),
      taskState: (state) => t(`taskState.${state}`),
      channel: (channel) =>
        isOneOf(['webhook', 'mqtt', 'open311', 'staff', 'mobile', 'system'] as const, channel)
          ? t(`sourceChannel.${channel}`)
          : channel,
      mapping: (mapping) => t(`sourceMapping.${mapping}`),
      action: (action) => {
        if (isOneOf(TIMELINE_ACTIONS, action)) return t(`timelineAction.${action}`);
        if (isOneOf(CASE_MOVES, action)) return move(action);
        // An action this version does not know yet: say that something happened, not the raw code.
        return t('timelineAction.updated');
      },
      duration: (ms) => formatDuration(ms, words),
    };
  }, [t, english]);
}
