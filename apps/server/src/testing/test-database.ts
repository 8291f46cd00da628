import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { PostgresDialect } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import {
  createKysely,
  createPostgresPool,
  openPGlite,
  type DatabaseHandle,
} from '../platform/database/database.js';
import { PGliteDialect } from '../platform/database/pglite-dialect.js';

/**
 * A fresh database for one test file: a clone of the migrated template on PostgreSQL (when
 * JIEDAO_TEST_DATABASE_URL is set), otherwise an in-memory PGlite loaded from the template dump.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const url = process.env.JIEDAO_TEST_DATABASE_URL;
  const template = inject('postgresTemplate');
  if (url && template) {
    const name = `jiedao_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create database ${name} template ${template}`);
    } finally {
      await admin.end();
    }
    const testUrl = new URL(url);
    testUrl.pathname = `/${name}`;
    const pool = createPostgresPool(testUrl.toString(), 10);
    const db = createKysely(new PostgresDialect({ pool }));
    return {
      db,
      kind: 'postgres',
      location: name,
      close: async () => {
        await db.destroy();
        const cleanup = new pg.Client({ connectionString: url });
        await cleanup.connect();
        try {
          await cleanup.query(`drop database if exists ${name} with (force)`);
        } finally {
          await cleanup.end();
        }
      },
    };
  }
  const dump = fs.readFileSync(inject('pgliteTemplatePath'));
  const pglite = await openPGlite(undefined, new Blob([dump]));
  const db = createKysely(new PGliteDialect(pglite));
  return { db, kind: 'pglite', location: 'memory', close: () => db.destroy() };
}
