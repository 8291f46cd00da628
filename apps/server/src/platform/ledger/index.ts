/**
 * platform/ledger — double-entry money in integer fen (ADR 0011). Modules open accounts, move money
 * with `applyTransfers` inside their own transaction or through a `LedgerWriter` (group commit),
 * read balances and entries, and add their own checks to `reconcileLedger`.
 */
export {
  applyTransfers,
  expireDueTransfers,
  findAccount,
  listAccountEntries,
  openAccounts,
  type AccountEntry,
  type LedgerAccount,
  type OpenAccountInput,
} from './ledger.js';
export {
  availableBalance,
  postedBalance,
  type LedgerRejection,
  type LedgerRequest,
  type PostRequest,
  type RequestResult,
  type TransferRequest,
  type TransferRow,
  type VoidRequest,
} from './ledger-rules.js';
export { LedgerWriter } from './ledger-writer.js';
export { reconcileLedger, type ExtraCheck, type ReconcileCheck, type ReconcileReport } from './reconcile.js';
