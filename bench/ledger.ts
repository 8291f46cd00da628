/**
 * Ledger throughput on PostgreSQL: 16 concurrent clients move money through `LedgerWriter` (group
 * commit over `applyTransfers`: accounts locked in id order, guards checked, transfers and running
 * totals written, idempotent ids) — over 10,000 accounts (low contention) and from 10 hot employer
 * accounts to 10,000 wallets (high contention) — against a raw multi-row INSERT of the same rows
 * into a bare copy of the transfer table by the same 16 clients, in the same run.
 *
 *   npx tsx bench/ledger.ts
 *
 * Each client submits BENCH_LEDGER_BATCH transfers (50) at a time and waits for the answer, for
 * BENCH_SECONDS (10) per phase; rounds: BENCH_ROUNDS (3), medians printed. At the end
 * `reconcileLedger` must find the books whole (debits = credits, every balance = its transfers).
 * Targets (issue 4): ≥ 10,000 transfers/s low contention, ≥ 3,000/s high contention.
 *
 * Env: BENCH_SECONDS, BENCH_ROUNDS, BENCH_CLIENTS (16), BENCH_LEDGER_BATCH (50), BENCH_ACCOUNTS
 * (10000), BENCH_HOT (10), BENCH_PG_ADMIN_URL.
 */
import os from 'node:os';
import { sql } from 'kysely';
import { openDatabase } from '../apps/server/src/platform/database/database.js';
import { migrateToLatest } from '../apps/server/src/platform/database/migrator.js';
import { createRng } from '../apps/server/src/platform/geo/synthetic.js';
import { newId } from '../apps/server/src/platform/ids.js';
import {
  LedgerWriter,
  openAccounts,
  reconcileLedger,
  type LedgerAccount,
  type LedgerRequest,
} from '../apps/server/src/platform/ledger/index.js';
import { createDatabase, envNumber, fmt, log, median, printTable, runMain } from './lib.js';

const seconds = envNumber('BENCH_SECONDS', 10, { min: 1 });
const rounds = Math.round(envNumber('BENCH_ROUNDS', 3, { min: 1 }));
const clients = Math.round(envNumber('BENCH_CLIENTS', 16, { min: 1 }));
const batch = Math.round(envNumber('BENCH_LEDGER_BATCH', 50, { min: 1 }));
const accountCount = Math.round(envNumber('BENCH_ACCOUNTS', 10_000, { min: 10 }));
const hotCount = Math.round(envNumber('BENCH_HOT', 10, { min: 1 }));
const TARGET_LOW = 10_000;
const TARGET_HIGH = 3_000;

/** Seeded: the same accounts are picked in every run. */
function rng(seed: number) {
  const next = createRng(seed);
  return (n: number) => Math.floor(next() * n);
}

interface Phase {
  name: 'low' | 'high' | 'raw-low' | 'raw-high';
  transfers: number;
  refused: number;
  elapsedMs: number;
}

runMain(
  async () => {
    const url = await createDatabase('jiedao_bench_ledger');
    const database = await openDatabase({ databaseUrl: url, dataDir: os.tmpdir(), poolSize: clients + 2 });
    const db = database.db;
    try {
      await migrateToLatest(db);
      const tenantId = newId();
      await sql`insert into tenant (id, code, name, name_en, boundary)
        values (${tenantId}, 'ledgerbench', '账本基准', 'Ledger bench', '{"type":"Polygon","coordinates":[]}'::jsonb)`.execute(
        db,
      );
      // The raw baseline's table: the transfer table's columns and key, no foreign keys, no checks.
      await sql`create table raw_transfer (like ledger_transfer including defaults)`.execute(db);
      await sql`alter table raw_transfer add primary key (tenant_id, id)`.execute(db);

      log(`opening ${fmt(accountCount)} wallets, ${fmt(hotCount)} employers and the bank …`);
      const bank = (
        await openAccounts(db, [{ tenantId, code: 'bank', name: '银行存款', kind: 'asset', guarded: false }])
      )[0]!;
      const wallets: LedgerAccount[] = [];
      for (let start = 0; start < accountCount; start += 2000)
        wallets.push(
          ...(await openAccounts(
            db,
            Array.from({ length: Math.min(2000, accountCount - start) }, (_, i) => ({
              tenantId,
              code: `wallet:${start + i}`,
              name: `钱包 ${start + i}`,
              kind: 'liability' as const,
              guarded: true,
            })),
          )),
        );
      const employers = await openAccounts(
        db,
        Array.from({ length: hotCount }, (_, i) => ({
          tenantId,
          code: `employer:${i}`,
          name: `雇主 ${i}`,
          kind: 'liability' as const,
          guarded: true,
        })),
      );
      // Fund everyone from the bank: wallets 1,000 yuan each, employers plenty.
      const funder = new LedgerWriter(db);
      for (let start = 0; start < wallets.length; start += 1000)
        await funder.submit(
          tenantId,
          wallets.slice(start, start + 1000).map((wallet) => ({
            type: 'transfer',
            id: newId(),
            debitAccountId: bank.id,
            creditAccountId: wallet.id,
            amount: 100_000,
            code: 'topup',
          })),
        );
      await funder.submit(
        tenantId,
        employers.map((employer) => ({
          type: 'transfer',
          id: newId(),
          debitAccountId: bank.id,
          creditAccountId: employer.id,
          amount: 1_000_000_000,
          code: 'topup',
        })),
      );
      await funder.stop();
      await sql`analyze`.execute(db);

      const request = (phase: 'low' | 'high', pick: (n: number) => number): LedgerRequest => {
        const from = phase === 'high' ? employers[pick(employers.length)]! : wallets[pick(wallets.length)]!;
        let to = wallets[pick(wallets.length)]!;
        if (to.id === from.id) to = wallets[(wallets.indexOf(to) + 1) % wallets.length]!;
        return {
          type: 'transfer',
          id: newId(),
          debitAccountId: from.id,
          creditAccountId: to.id,
          amount: 1 + pick(100),
          code: phase === 'high' ? 'gig.wage' : 'transfer',
        };
      };

      const runLedger = async (phase: 'low' | 'high', seed: number): Promise<Phase> => {
        const writer = new LedgerWriter(db, { maxBatch: 4000 });
        const deadline = performance.now() + seconds * 1000;
        let transfers = 0;
        let refused = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: clients }, async (_, client) => {
            const pick = rng(seed * 1000 + client + 1);
            while (performance.now() < deadline) {
              const results = await writer.submit(
                tenantId,
                Array.from({ length: batch }, () => request(phase, pick)),
              );
              for (const result of results)
                if (result.status === 'created') transfers++;
                else refused++;
            }
          }),
        );
        const elapsedMs = performance.now() - started;
        await writer.stop();
        return { name: phase, transfers, refused, elapsedMs };
      };

      const runRaw = async (phase: 'low' | 'high', seed: number): Promise<Phase> => {
        const deadline = performance.now() + seconds * 1000;
        let transfers = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: clients }, async (_, client) => {
            const pick = rng(seed * 1000 + client + 1);
            while (performance.now() < deadline) {
              const rows = Array.from({ length: batch }, () => request(phase, pick));
              await db
                .insertInto('rawTransfer' as never)
                .values(
                  rows.map((row) => ({
                    tenantId,
                    id: row.id,
                    debitAccountId: (row as { debitAccountId: string }).debitAccountId,
                    creditAccountId: (row as { creditAccountId: string }).creditAccountId,
                    amount: (row as { amount: number }).amount,
                    type: 'single',
                    code: (row as { code: string }).code,
                  })),
                )
                .execute();
              transfers += rows.length;
            }
          }),
        );
        return {
          name: phase === 'low' ? 'raw-low' : 'raw-high',
          transfers,
          refused: 0,
          elapsedMs: performance.now() - started,
        };
      };

      const results: Phase[] = [];
      for (let round = 1; round <= rounds; round++) {
        for (const phase of ['low', 'high'] as const) {
          const raw = await runRaw(phase, round);
          const ledger = await runLedger(phase, round);
          results.push(raw, ledger);
          log(
            `[round ${round}] ${phase}: ledger ${fmt((ledger.transfers * 1000) / ledger.elapsedMs)} transfers/s (${fmt(ledger.refused)} refused), raw insert ${fmt((raw.transfers * 1000) / raw.elapsedMs)} rows/s`,
          );
        }
      }

      const report = await reconcileLedger(db, tenantId);
      const rate = (name: Phase['name']) =>
        median(results.filter((r) => r.name === name).map((r) => (r.transfers * 1000) / r.elapsedMs));
      const low = rate('low');
      const high = rate('high');
      const rawLow = rate('raw-low');
      const rawHigh = rate('raw-high');
      log(
        `\nMedians over ${rounds} round(s) × ${seconds} s; ${clients} clients × ${batch} transfers per submission; ${fmt(accountCount)} wallets, ${hotCount} hot employers; PostgreSQL:`,
      );
      printTable(
        ['contention', 'ledger transfers/s', 'raw INSERT rows/s', '× raw', 'target', 'met'],
        [
          [
            'low (10,000 accounts)',
            fmt(low),
            fmt(rawLow),
            fmt(low / rawLow, 2),
            `≥ ${fmt(TARGET_LOW)}`,
            low >= TARGET_LOW ? 'yes' : 'NO',
          ],
          [
            `high (${hotCount} hot accounts)`,
            fmt(high),
            fmt(rawHigh),
            fmt(high / rawHigh, 2),
            `≥ ${fmt(TARGET_HIGH)}`,
            high >= TARGET_HIGH ? 'yes' : 'NO',
          ],
        ],
      );
      log(
        `reconcile: ${report.ok ? 'OK' : 'FINDINGS'} — ${report.checks.map((check) => `${check.name} ${check.ok ? 'ok' : 'FAIL'}`).join(', ')}; ${fmt(report.transfers)} transfers, ${fmt(report.accounts)} accounts`,
      );
      console.log(
        JSON.stringify({
          bench: 'ledger',
          date: new Date().toISOString(),
          node: process.version,
          cpus: os.cpus().length,
          loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
          seconds,
          rounds,
          clients,
          batch,
          low: { transfersPerSecond: Math.round(low), rawPerSecond: Math.round(rawLow), ratio: low / rawLow },
          high: {
            transfersPerSecond: Math.round(high),
            rawPerSecond: Math.round(rawHigh),
            ratio: high / rawHigh,
          },
          reconciled: report.ok,
          target: { low: TARGET_LOW, high: TARGET_HIGH, met: low >= TARGET_LOW && high >= TARGET_HIGH },
        }),
      );
      if (!report.ok) process.exitCode = 1;
    } finally {
      await database.close();
    }
  },
  { maxMinutes: 20 },
);
