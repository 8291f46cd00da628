/** platform/payouts — money leaving through the payout rail, exactly once (ADR 0012). */
export {
  payoutClearingCheck,
  PayoutProcessor,
  requestPayout,
  type PayoutPayee,
  type PayoutProcessorOptions,
  type ProcessResult,
  type RequestPayoutInput,
  type RequestPayoutResult,
} from './payouts.js';
