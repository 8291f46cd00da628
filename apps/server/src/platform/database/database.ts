import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { PGliteDialect } from './pglite-dialect.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Where the data lives: a directory for PGlite (or `memory`), the URL without password for PostgreSQL. */
  location: string;
  close(): Promise<void>;
}

const INT8_OID = 20;
const DATE_OID = 1082;

/** 64-bit integers come back as numbers (ids are UUIDs; counts and fen sums stay far below 2^53). */
const parseInt8 = (value: string) => Number(value);
/** Calendar dates stay `YYYY-MM-DD` strings: a JS Date would shift them by the server's time zone. */
const parseDate = (value: string) => value;

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return parseInt8;
    if (oid === DATE_OID) return parseDate;
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  },
};

export function createKysely(dialect: ConstructorParameters<typeof Kysely<Database>>[0]['dialect']) {
  return new Kysely<Database>({ dialect, plugins: [new CamelCasePlugin()] });
}

/** Opens a PGlite database: `dataDir` on disk (created if missing) or `memory://` when undefined. */
export async function openPGlite(dataDir: string | undefined, loadDataDir?: Blob): Promise<PGlite> {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  return PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    parsers: { [INT8_OID]: parseInt8, [DATE_OID]: parseDate },
  });
}

export function createPostgresPool(url: string, max = 10): pg.Pool {
  return new pg.Pool({ connectionString: url, max, types: pgTypes });
}

/** Connects to PostgreSQL when `databaseUrl` is set, otherwise opens PGlite under `<dataDir>/pglite`. */
export async function openDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir: string;
  poolSize?: number;
}): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = createPostgresPool(options.databaseUrl, options.poolSize);
    const db = createKysely(new PostgresDialect({ pool }));
    const url = new URL(options.databaseUrl);
    url.password = '';
    return { db, kind: 'postgres', location: url.toString(), close: () => db.destroy() };
  }
  const dir = path.join(options.dataDir, 'pglite');
  const pglite = await openPGlite(dir);
  const db = createKysely(new PGliteDialect(pglite));
  return { db, kind: 'pglite', location: dir, close: () => db.destroy() };
}
