import {
  GIG_CATEGORIES,
  GIG_JOB_STATUSES,
  GIG_LOCATION_FLAGS,
  GIG_PAYOUT_STATES,
  GIG_SKILLS,
  SETTLEMENT_CYCLES,
  WAGE_KINDS,
  type GigLabel,
} from '@jiedao/contracts/constants';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { member } from '../api/payload';
import { toLanguage } from '../i18n/languages';
import { formatFen } from './money';
import type { ApplicationState, AssignmentState } from './stream';
import './texts';

/**
 * Ledger codes a wallet shows, to their i18n keys; others are shown as the server sent them. A wage
 * is a hold at hire (`pending`: 托管中) and, once attendance is confirmed, its posting — both carry
 * the hold's code.
 */
const WALLET_CODE_KEYS = {
  'gig.wage_hold': 'wage',
  'gig.dispute_pay': 'disputePay',
  'gig.guarantee_pay': 'guaranteePay',
  'gig.dispute_refund': 'disputeRefund',
  'payout.out': 'payout',
  'payout.paid': 'payoutPaid',
  'payout.returned': 'payoutReturned',
} as const;
type WalletCode = keyof typeof WALLET_CODE_KEYS;

function isWalletCode(code: string): code is WalletCode {
  return Object.hasOwn(WALLET_CODE_KEYS, code);
}

export interface GigLabels {
  category: (code: string) => string;
  skill: (code: string) => string;
  categoryOptions: { value: string; label: string }[];
  skillOptions: { value: string; label: string }[];
  applicationState: (state: ApplicationState) => string;
  assignmentState: (state: AssignmentState) => string;
  jobStatus: (status: string) => string;
  payoutState: (state: string) => string;
  flag: (flag: string) => string;
  cycle: (cycle: string) => string;
  wageKind: (kind: string) => string;
  /** `¥25.00/小时`, `¥180.00/天`, `¥0.50/件`. */
  wage: (kind: string, fen: number) => string;
  walletCode: (code: string) => string;
}

function nameOf(list: readonly GigLabel[], code: string, english: boolean): string {
  const found = list.find((entry) => entry.code === code);
  if (!found) return code;
  return english ? found.en : found.zh;
}

/** `label(code)` for a code in `codes`; any other code (one this build does not know) as it came. */
function labelOf<T extends string>(codes: readonly T[], code: string, label: (known: T) => string): string {
  const known = member(codes, code);
  return known === null ? code : label(known);
}

/** Names of the gig market's vocabularies in the UI language (categories and skills from the contract). */
export function useGigLabels(): GigLabels {
  const { t, i18n } = useTranslation();
  const english = toLanguage(i18n.language) === 'en';
  return useMemo(() => {
    const wageKind = (kind: string) => labelOf(WAGE_KINDS, kind, (known) => t(`gig.wageKind.${known}`));
    return {
      category: (code) => nameOf(GIG_CATEGORIES, code, english),
      skill: (code) => nameOf(GIG_SKILLS, code, english),
      categoryOptions: GIG_CATEGORIES.map((entry) => ({
        value: entry.code,
        label: english ? entry.en : entry.zh,
      })),
      skillOptions: GIG_SKILLS.map((entry) => ({ value: entry.code, label: english ? entry.en : entry.zh })),
      applicationState: (state) => t(`gig.applicationState.${state}`),
      assignmentState: (state) => t(`gig.assignmentState.${state}`),
      jobStatus: (status) => labelOf(GIG_JOB_STATUSES, status, (known) => t(`gig.jobStatus.${known}`)),
      payoutState: (state) => labelOf(GIG_PAYOUT_STATES, state, (known) => t(`gig.payoutState.${known}`)),
      flag: (flag) => labelOf(GIG_LOCATION_FLAGS, flag, (known) => t(`gig.flag.${known}`)),
      cycle: (cycle) => labelOf(SETTLEMENT_CYCLES, cycle, (known) => t(`gig.cycle.${known}`)),
      wageKind,
      wage: (kind, fen) => {
        const known = member(WAGE_KINDS, kind);
        return known === null ? formatFen(fen) : t(`gig.wagePer.${known}`, { amount: formatFen(fen) });
      },
      walletCode: (code) => (isWalletCode(code) ? t(`gig.walletCode.${WALLET_CODE_KEYS[code]}`) : code),
    };
  }, [t, english]);
}
