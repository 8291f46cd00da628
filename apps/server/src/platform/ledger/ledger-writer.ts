import type { Kysely } from 'kysely';
import type { Database } from '../database/schema.js';
import { applyTransfers } from './ledger.js';
import type { LedgerRequest, RequestResult } from './ledger-rules.js';

interface Submission {
  tenantId: string;
  requests: readonly LedgerRequest[];
  resolve: (results: RequestResult[]) => void;
  reject: (error: unknown) => void;
}

/** PostgreSQL's deadlock and serialization failures: the transaction may simply be run again. */
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Group commit for money (the intake's pattern, ADR 0007): callers that move money on their own —
 * a shift's wage posted the moment attendance is verified, a payout's outcome — submit here, and
 * whatever arrives while one transaction runs is applied in the next, however many callers wait.
 * A hot account (an employer paying a hundred workers) is then locked and rewritten once per batch
 * instead of once per transfer. Each submission keeps its own order and its own linked chains;
 * one submission's refusal does not touch another's. Callers inside their own transaction use
 * `applyTransfers` directly instead.
 */
export class LedgerWriter {
  readonly #queue: Submission[] = [];
  #running: Promise<void> | undefined;
  #stopped = false;
  readonly stats = { batches: 0, transfers: 0, retries: 0 };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: { maxBatch?: number } = {},
  ) {}

  /** Applies the requests in order; resolves after they are committed (or refused). */
  submit(tenantId: string, requests: readonly LedgerRequest[]): Promise<RequestResult[]> {
    if (this.#stopped) return Promise.reject(new Error('ledger writer is stopped'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ tenantId, requests, resolve, reject });
      this.#kick();
    });
  }

  /** Finishes what is queued, then refuses new work. */
  async stop(): Promise<void> {
    this.#stopped = true;
    while (this.#running) await this.#running;
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = (async () => {
      try {
        while (this.#queue.length > 0) {
          const batch = this.#take();
          try {
            const results = await this.#commit(batch);
            batch.forEach((submission, index) => submission.resolve(results[index]!));
          } catch (error) {
            for (const submission of batch) submission.reject(error);
          }
        }
      } finally {
        this.#running = undefined;
      }
    })();
  }

  /** Submissions up to `maxBatch` requests (at least one submission, however large). */
  #take(): Submission[] {
    const limit = this.options.maxBatch ?? 2000;
    const batch: Submission[] = [];
    let size = 0;
    while (
      this.#queue.length > 0 &&
      (batch.length === 0 || size + this.#queue[0]!.requests.length <= limit)
    ) {
      const next = this.#queue.shift()!;
      batch.push(next);
      size += next.requests.length;
    }
    return batch;
  }

  async #commit(batch: Submission[]): Promise<RequestResult[][]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const results = await this.db.transaction().execute(async (trx) => {
          const now = new Date();
          const answers: RequestResult[][] = batch.map(() => []);
          // Per tenant, the submissions' requests in arrival order as one application: the named
          // accounts are locked and rewritten once. A chain may not run past its submission, so a
          // submission ending in a `linked` request is refused whole before it could.
          const byTenant = new Map<string, number[]>();
          batch.forEach((submission, index) => {
            if (submission.requests.at(-1)?.linked) {
              answers[index] = submission.requests.map((request) => ({
                id: request.id,
                status: 'rejected',
                reason: 'linked_chain_open',
              }));
              return;
            }
            byTenant.set(submission.tenantId, [...(byTenant.get(submission.tenantId) ?? []), index]);
          });
          for (const [tenantId, indexes] of byTenant) {
            const applied = await applyTransfers(
              trx,
              tenantId,
              indexes.flatMap((index) => batch[index]!.requests),
              now,
            );
            let offset = 0;
            for (const index of indexes) {
              const count = batch[index]!.requests.length;
              answers[index] = applied.slice(offset, offset + count);
              offset += count;
            }
          }
          return answers;
        });
        this.stats.batches++;
        this.stats.transfers += batch.reduce((sum, submission) => sum + submission.requests.length, 0);
        return results;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= 3 || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
        this.stats.retries++;
      }
    }
  }
}
