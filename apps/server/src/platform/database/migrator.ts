import { Migrator, type Kysely, type Migration, type MigrationResult } from 'kysely';
import * as m20261129_0001 from './migrations/20261129_0001_foundation.js';
import * as m20261129_0002 from './migrations/20261129_0002_platform.js';
import * as m20261129_0003 from './migrations/20261129_0003_governance.js';
import * as m20261129_0004 from './migrations/20261129_0004_intake_hot_updates.js';
import * as m20261129_0005 from './migrations/20261129_0005_ledger.js';
import * as m20261129_0006 from './migrations/20261129_0006_payouts.js';
import * as m20261129_0007 from './migrations/20261129_0007_gig.js';
import * as m20261129_0008 from './migrations/20261129_0008_gig_inbox_job_index.js';

/**
 * Every migration, in order. A static list (not a directory scan) so the build and the tests see the
 * same set. Migrations are frozen once landed: fix forward with a new file.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '20261129_0001_foundation': m20261129_0001,
  '20261129_0002_platform': m20261129_0002,
  '20261129_0003_governance': m20261129_0003,
  '20261129_0004_intake_hot_updates': m20261129_0004,
  '20261129_0005_ledger': m20261129_0005,
  '20261129_0006_payouts': m20261129_0006,
  '20261129_0007_gig': m20261129_0007,
  '20261129_0008_gig_inbox_job_index': m20261129_0008,
};

export const LATEST_MIGRATION = Object.keys(MIGRATIONS).at(-1)!;

function createMigrator(db: Kysely<any>, migrations: Record<string, Migration> = MIGRATIONS): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migration',
    migrationLockTableName: 'schema_migration_lock',
  });
}

/** Applies pending migrations; throws (and so exits non-zero from the CLI) when one fails. */
export async function migrateToLatest(
  db: Kysely<any>,
  migrations: Record<string, Migration> = MIGRATIONS,
): Promise<MigrationResult[]> {
  const { error, results } = await createMigrator(db, migrations).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(
      `Migration ${failed?.migrationName ?? '(unknown)'} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      { cause: error },
    );
  }
  return results ?? [];
}

/** True when every known migration has been applied. */
export async function isFullyMigrated(db: Kysely<any>): Promise<boolean> {
  const migrations = await createMigrator(db).getMigrations();
  return migrations.every((migration) => migration.executedAt !== undefined);
}
