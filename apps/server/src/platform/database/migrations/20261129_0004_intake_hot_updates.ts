import { sql, type Kysely } from 'kysely';

/*
 * Intake at device-network rates (ADR 0010).
 *
 * The intake rewrites an incident's event_count and last_seen_at, and a device's state and
 * last_seen_at, thousands of times a second. PostgreSQL can update a row in place (a HOT update, no
 * new index entries) only when no indexed column changes and the page has room: so last_seen_at
 * leaves the incident index (the incident list sorts by severity first and never used it), and both
 * tables keep free space on their pages for the new row versions.
 */
const UP = [
  // Device telemetry carries no personal data: its raw message is kept as received (ADR 0010).
  `alter table gov_event alter column raw_enc drop not null`,
  `alter table gov_event add column raw text`,
  `alter table gov_event add constraint gov_event_raw_ck check (raw_enc is not null or raw is not null)`,
  `drop index if exists incident_recent_ix`,
  `create index incident_status_ix on incident (tenant_id, status)`,
  `alter table incident set (fillfactor = 70)`,
  `alter table device set (fillfactor = 80)`,
];

const DOWN = [
  `alter table gov_event drop constraint gov_event_raw_ck`,
  `alter table gov_event drop column raw`,
  `update gov_event set raw_enc = '' where raw_enc is null`,
  `alter table gov_event alter column raw_enc set not null`,
  `alter table device reset (fillfactor)`,
  `alter table incident reset (fillfactor)`,
  `drop index if exists incident_status_ix`,
  `create index incident_recent_ix on incident (tenant_id, status, last_seen_at)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of DOWN) await sql.raw(statement).execute(db);
}
