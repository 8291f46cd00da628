import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppConfig } from './config.js';
import type { Database } from './database/schema.js';
import type { DatabaseKind } from './database/database.js';
import type { JobRunner } from './jobs/job-runner.js';
import type { OutboxDispatcher } from './outbox/outbox-dispatcher.js';
import type { PiiCipher } from './privacy/index.js';

/** What every module is built from: the database, configuration and cross-cutting services. */
export interface AppContext {
  db: Kysely<Database>;
  databaseKind: DatabaseKind;
  config: AppConfig;
  cipher: PiiCipher;
  log: FastifyBaseLogger;
  /** Cross-module reactions: modules subscribe while the app is built; started when it is ready. */
  outbox: OutboxDispatcher;
  /** Durable jobs and periodic sweeps; modules register while the app is built. */
  jobs: JobRunner;
}
