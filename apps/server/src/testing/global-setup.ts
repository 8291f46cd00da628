import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createKysely, openPGlite } from '../platform/database/database.js';
import { PGliteDialect } from '../platform/database/pglite-dialect.js';
import { migrateToLatest } from '../platform/database/migrator.js';
import { PostgresDialect } from 'kysely';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL: the migrated template database every test file clones. */
    postgresTemplate: string;
    /** PGlite: a dump of a migrated data directory every test file loads. */
    pgliteTemplatePath: string;
  }
}

/**
 * Migrates once, then every database test file starts from a copy: `CREATE DATABASE … TEMPLATE`
 * on PostgreSQL, a loaded data-directory dump on PGlite. Fresh and isolated, without paying for
 * migrations in every file.
 */
export default async function setup(project: TestProject) {
  const url = process.env.JIEDAO_TEST_DATABASE_URL;
  if (url) {
    const template = `jiedao_tpl_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${template}`);
    const templateUrl = new URL(url);
    templateUrl.pathname = `/${template}`;
    const db = createKysely(
      new PostgresDialect({ pool: new pg.Pool({ connectionString: templateUrl.toString(), max: 1 }) }),
    );
    await migrateToLatest(db);
    await db.destroy();
    project.provide('postgresTemplate', template);
    project.provide('pgliteTemplatePath', '');
    return async () => {
      // Clones are dropped by their files; the template goes last.
      await admin.query(`drop database if exists ${template} with (force)`);
      await admin.end();
    };
  }
  const pglite = await openPGlite(undefined);
  const db = createKysely(new PGliteDialect(pglite));
  await migrateToLatest(db);
  const dump = await pglite.dumpDataDir('none');
  await db.destroy();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiedao-test-'));
  const file = path.join(dir, 'template.tar');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('postgresTemplate', '');
  project.provide('pgliteTemplatePath', file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
