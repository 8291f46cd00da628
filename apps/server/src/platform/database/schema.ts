import type { ColumnType, Generated } from 'kysely';
import type { GigTables } from '../../modules/gig/gig.tables.js';
import type { GovernanceTables } from '../../modules/governance/governance.tables.js';
import type { IdentityTables } from '../../modules/identity/identity.tables.js';
import type { PlacesTables } from '../../modules/places/places.tables.js';
import type { PlatformTables } from './platform.tables.js';

/** Stored responses for requests made with an Idempotency-Key. */
export interface IdempotencyKeyTable {
  tenantId: string;
  scope: string;
  key: string;
  requestHash: string;
  statusCode: number;
  response: ColumnType<unknown, string, string>;
  createdAt: Generated<Date>;
}

/**
 * The whole database as Kysely sees it (camelCase through CamelCasePlugin). Each module owns its
 * `*.tables.ts`; this type only joins them so one Kysely instance can serve every module.
 */
export interface Database extends IdentityTables, PlacesTables, GovernanceTables, GigTables, PlatformTables {
  idempotencyKey: IdempotencyKeyTable;
}
