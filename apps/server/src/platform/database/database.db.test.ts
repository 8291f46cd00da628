import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../testing/test-database.js';
import type { DatabaseHandle } from './database.js';
import { isFullyMigrated, migrateToLatest } from './migrator.js';

let handle: DatabaseHandle;
let db: Kysely<any>;

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  await sql`create table probe (id int primary key, note text not null)`.execute(db);
});
afterAll(() => handle.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('database', () => {
  it('is fully migrated and re-running migrations changes nothing', async () => {
    expect(await isFullyMigrated(db)).toBe(true);
    expect(await migrateToLatest(db)).toEqual([]);
  });

  it('keeps a concurrent transaction’s rollback from touching another’s commit', async () => {
    // Interleave two transactions: A writes, yields, writes again and commits; B writes, yields and
    // fails. On a dialect that shares one session without serializing, B's ROLLBACK would undo A's
    // first write (or A's COMMIT would keep B's).
    const a = db.transaction().execute(async (trx) => {
      await trx.insertInto('probe').values({ id: 1, note: 'a1' }).execute();
      await sleep(20);
      await trx.insertInto('probe').values({ id: 2, note: 'a2' }).execute();
    });
    const b = db.transaction().execute(async (trx) => {
      await trx.insertInto('probe').values({ id: 3, note: 'b1' }).execute();
      await sleep(5);
      throw new Error('b fails');
    });
    const results = await Promise.allSettled([a, b]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    const rows = await db.selectFrom('probe').select('id').orderBy('id').execute();
    expect(rows.map((r: { id: number }) => r.id)).toEqual([1, 2]);
  });

  it('survives many concurrent transactions with random failures: every failed one leaves nothing', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          await trx
            .insertInto('probe')
            .values({ id: 100 + i, note: `t${i}` })
            .execute();
          await sleep(i % 3);
          await trx
            .insertInto('probe')
            .values({ id: 1000 + i, note: `t${i}b` })
            .execute();
          if (i % 4 === 0) throw new Error(`fail ${i}`);
        }),
      ),
    );
    const committed = outcomes.flatMap((outcome, i) =>
      outcome.status === 'fulfilled' ? [100 + i, 1000 + i] : [],
    );
    const rows = await db.selectFrom('probe').select('id').where('id', '>=', 100).orderBy('id').execute();
    expect(rows.map((r: { id: number }) => r.id)).toEqual(committed.sort((x, y) => x - y));
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(10);
  });

  it('returns 64-bit integers as numbers and dates as YYYY-MM-DD strings', async () => {
    const row = await sql<{
      big: unknown;
      count: unknown;
      day: unknown;
    }>`select 9007199254740991::int8 as big, count(*) as count, date '2026-03-15' as day from probe`.execute(
      db,
    );
    expect(row.rows[0]).toEqual({ big: 9007199254740991, count: 62, day: '2026-03-15' });
  });
});

describe('a failing migration', () => {
  it('throws with the migration’s name and leaves its half-work rolled back', async () => {
    const { MIGRATIONS } = await import('./migrator.js');
    const broken = {
      ...MIGRATIONS,
      '20991231_0001_broken': {
        up: async (kysely: Kysely<unknown>) => {
          await sql`create table half_done (id int)`.execute(kysely);
          await sql`select * from no_such_table`.execute(kysely);
        },
      },
    };
    await expect(migrateToLatest(db, broken)).rejects.toThrow(/20991231_0001_broken failed/);
    const exists = await sql<{
      n: number;
    }>`select count(*) as n from information_schema.tables where table_name = 'half_done'`.execute(db);
    expect(exists.rows[0]!.n).toBe(0);
  });
});
