import { sql, type Kysely } from 'kysely';

/*
 * A push wave asks which workers a job has reached already (`gig_inbox` by job): without an index
 * leading with the job, that was a scan of every inbox row of the subdistrict — half of a wave's
 * time at 200,000 rows (bench/gig-matching.ts), and the inbox only grows.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index gig_inbox_job_ix on gig_inbox (tenant_id, job_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists gig_inbox_job_ix`.execute(db);
}
