import { sql, type Kysely } from 'kysely';

/*
 * Platform engines: the transactional outbox (events, subscribers, per-subscriber deliveries) and
 * durable jobs. These tables hold infrastructure state rather than a tenant's records, so they carry
 * tenant_id (leading the keys, as everywhere) without a foreign key to tenant: enqueueing an event or
 * a job costs no extra lookup, and they never block deleting a tenant's data.
 */

export async function up(db: Kysely<any>): Promise<void> {
  const now = sql`now()`;

  await db.schema
    .createTable('outbox_event')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('aggregate_id', 'text')
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('outbox_event_pk', ['tenant_id', 'id'])
    .execute();
  // Pruning walks old events.
  await db.schema.createIndex('outbox_event_created_ix').on('outbox_event').column('created_at').execute();

  await db.schema
    .createTable('outbox_subscriber')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('topics', sql`text[]`, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('outbox_delivery')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('event_id', 'uuid', (c) => c.notNull())
    .addColumn('subscriber', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'parked')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('outbox_delivery_pk', ['tenant_id', 'event_id', 'subscriber'])
    .addForeignKeyConstraint(
      'outbox_delivery_event_fk',
      ['tenant_id', 'event_id'],
      'outbox_event',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'outbox_delivery_subscriber_fk',
      ['subscriber'],
      'outbox_subscriber',
      ['name'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  // A dispatcher reads one subscriber's pending deliveries in event order…
  await db.schema
    .createIndex('outbox_delivery_pending_ix')
    .on('outbox_delivery')
    .columns(['subscriber', 'event_id'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  // …and the few waiting for a retry, which hold back their tenant's later events.
  await db.schema
    .createIndex('outbox_delivery_retry_ix')
    .on('outbox_delivery')
    .columns(['subscriber', 'next_attempt_at'])
    .where(sql<boolean>`status = 'pending' and next_attempt_at is not null`)
    .execute();

  await db.schema
    .createTable('job')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text')
    .addColumn('run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'running', 'done', 'failed', 'cancelled')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(5)
        .check(sql`max_attempts >= 1`),
    )
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('job_pk', ['tenant_id', 'id'])
    .execute();
  // NULL keys are distinct, so unkeyed jobs never conflict; ON CONFLICT infers this index.
  await db.schema
    .createIndex('job_key_uq')
    .on('job')
    .columns(['tenant_id', 'kind', 'key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('job_due_ix')
    .on('job')
    .column('run_at')
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema
    .createIndex('job_lease_ix')
    .on('job')
    .column('locked_until')
    .where(sql.ref('status'), '=', 'running')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['job', 'outbox_delivery', 'outbox_subscriber', 'outbox_event']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
