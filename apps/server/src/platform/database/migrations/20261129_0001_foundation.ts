import { sql, type Kysely } from 'kysely';

/*
 * Foundation: tenants, places (communities, grids, buildings, facilities) and identity (people,
 * accounts, roles, organisations, sessions, consents, verification attempts, access audit).
 * Every subdistrict table leads its primary key and foreign keys with tenant_id, so the schema can
 * be distributed by tenant (Citus) without change. SQL stays within what PostgreSQL 15 accepts.
 */

export async function up(db: Kysely<any>): Promise<void> {
  const now = sql`now()`;

  await db.schema
    .createTable('tenant')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('Asia/Shanghai'))
    .addColumn('boundary', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('community')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenant.id'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('center_lng', 'float8', (c) => c.notNull())
    .addColumn('center_lat', 'float8', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('community_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('community_code_uq', ['tenant_id', 'code'])
    .execute();

  await db.schema
    .createTable('grid')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('community_id', 'uuid', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('geometry', 'jsonb', (c) => c.notNull())
    .addColumn('min_lng', 'float8', (c) => c.notNull())
    .addColumn('min_lat', 'float8', (c) => c.notNull())
    .addColumn('max_lng', 'float8', (c) => c.notNull())
    .addColumn('max_lat', 'float8', (c) => c.notNull())
    .addColumn('area_m2', 'float8', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('grid_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('grid_code_uq', ['tenant_id', 'code'])
    .addForeignKeyConstraint('grid_community_fk', ['tenant_id', 'community_id'], 'community', [
      'tenant_id',
      'id',
    ])
    .execute();
  await db.schema
    .createIndex('grid_community_ix')
    .on('grid')
    .columns(['tenant_id', 'community_id'])
    .execute();

  await db.schema
    .createTable('building')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('community_id', 'uuid', (c) => c.notNull())
    .addColumn('grid_id', 'uuid')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('lng', 'float8', (c) => c.notNull())
    .addColumn('lat', 'float8', (c) => c.notNull())
    .addColumn('floors', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('building_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('building_community_fk', ['tenant_id', 'community_id'], 'community', [
      'tenant_id',
      'id',
    ])
    .addForeignKeyConstraint('building_grid_fk', ['tenant_id', 'grid_id'], 'grid', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('facility')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('tier', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('community_id', 'uuid', (c) => c.notNull())
    .addColumn('grid_id', 'uuid')
    .addColumn('building_id', 'uuid')
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('lng', 'float8', (c) => c.notNull())
    .addColumn('lat', 'float8', (c) => c.notNull())
    .addColumn('opening_hours', 'jsonb', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('area_m2', 'integer')
    .addColumn('capacity', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('facility_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('facility_community_fk', ['tenant_id', 'community_id'], 'community', [
      'tenant_id',
      'id',
    ])
    .addForeignKeyConstraint('facility_grid_fk', ['tenant_id', 'grid_id'], 'grid', ['tenant_id', 'id'])
    .addForeignKeyConstraint('facility_building_fk', ['tenant_id', 'building_id'], 'building', [
      'tenant_id',
      'id',
    ])
    .execute();
  await db.schema.createIndex('facility_type_ix').on('facility').columns(['tenant_id', 'type']).execute();
  await db.schema
    .createIndex('facility_community_ix')
    .on('facility')
    .columns(['tenant_id', 'community_id'])
    .execute();

  await db.schema
    .createTable('organisation')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenant.id'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('credit_code', 'text')
    .addColumn('community_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('organisation_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('organisation_community_fk', ['tenant_id', 'community_id'], 'community', [
      'tenant_id',
      'id',
    ])
    .execute();

  await db.schema
    .createTable('person')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenant.id'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('id_number_enc', 'text')
    .addColumn('id_number_hash', 'text')
    .addColumn('phone_enc', 'text')
    .addColumn('phone_hash', 'text')
    .addColumn('birth_date', 'date')
    .addColumn('sex', 'text')
    .addColumn('real_name_status', 'text', (c) => c.notNull().defaultTo('unverified'))
    .addColumn('verified_at', 'timestamptz')
    .addColumn('community_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('person_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('person_community_fk', ['tenant_id', 'community_id'], 'community', [
      'tenant_id',
      'id',
    ])
    .execute();
  await db.schema
    .createIndex('person_id_number_uq')
    .on('person')
    .columns(['tenant_id', 'id_number_hash'])
    .unique()
    .where(sql.ref('id_number_hash'), 'is not', null)
    .execute();
  await db.schema.createIndex('person_phone_ix').on('person').columns(['tenant_id', 'phone_hash']).execute();

  await db.schema
    .createTable('account')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('person_id', 'uuid', (c) => c.notNull())
    .addColumn('phone_hash', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_login_at', 'timestamptz')
    .addColumn('password_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('account_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('account_phone_uq', ['tenant_id', 'phone_hash'])
    .addForeignKeyConstraint('account_person_fk', ['tenant_id', 'person_id'], 'person', ['tenant_id', 'id'])
    .execute();
  // Login happens before the tenant is known: look the phone's keyed hash up across tenants.
  await db.schema.createIndex('account_phone_lookup_ix').on('account').column('phone_hash').execute();

  await db.schema
    .createTable('role_assignment')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('account_id', 'uuid', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('community_id', 'uuid')
    .addColumn('organisation_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('role_assignment_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint(
      'role_assignment_account_fk',
      ['tenant_id', 'account_id'],
      'account',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .addForeignKeyConstraint('role_assignment_community_fk', ['tenant_id', 'community_id'], 'community', [
      'tenant_id',
      'id',
    ])
    .addForeignKeyConstraint(
      'role_assignment_organisation_fk',
      ['tenant_id', 'organisation_id'],
      'organisation',
      ['tenant_id', 'id'],
    )
    .execute();
  await db.schema
    .createIndex('role_assignment_account_ix')
    .on('role_assignment')
    .columns(['tenant_id', 'account_id'])
    .execute();

  await db.schema
    .createTable('session')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('account_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .addPrimaryKeyConstraint('session_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint(
      'session_account_fk',
      ['tenant_id', 'account_id'],
      'account',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('session_token_uq')
    .on('session')
    .columns(['tenant_id', 'token_hash'])
    .unique()
    .execute();

  await db.schema
    .createTable('verification_attempt')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('person_id', 'uuid', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('provider_reference', 'text')
    .addColumn('latency_ms', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('verification_attempt_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('verification_attempt_person_fk', ['tenant_id', 'person_id'], 'person', [
      'tenant_id',
      'id',
    ])
    .execute();

  await db.schema
    .createTable('consent')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('person_id', 'uuid', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('scope', 'jsonb', (c) => c.notNull())
    .addColumn('policy_version', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('withdrawn_at', 'timestamptz')
    .addPrimaryKeyConstraint('consent_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('consent_person_fk', ['tenant_id', 'person_id'], 'person', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('access_audit')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('actor_account_id', 'uuid', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('subject_person_id', 'uuid', (c) => c.notNull())
    .addColumn('fields', 'jsonb', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('access_audit_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('access_audit_time_ix')
    .on('access_audit')
    .columns(['tenant_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('idempotency_key')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('idempotency_key_pk', ['tenant_id', 'scope', 'key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'idempotency_key',
    'access_audit',
    'consent',
    'verification_attempt',
    'session',
    'role_assignment',
    'account',
    'person',
    'organisation',
    'facility',
    'building',
    'grid',
    'community',
    'tenant',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
