#!/usr/bin/env node
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from './app.js';
import { createAccountUnchecked } from './modules/identity/index.js';
import { GridLocator, importGrids, placesRepository } from './modules/places/index.js';
import { createGovernance, importDevices } from './modules/governance/index.js';
import { loadConfig, type ConfigOverrides } from './platform/config.js';
import {
  createKysely,
  createPostgresPool,
  openDatabase,
  type DatabaseHandle,
} from './platform/database/database.js';
import { PostgresDialect } from 'kysely';
import { migrateToLatest } from './platform/database/migrator.js';
import { JobRunner } from './platform/jobs/job-runner.js';
import { OutboxDispatcher } from './platform/outbox/outbox-dispatcher.js';
import { PiiCipher, loadDataKey } from './platform/privacy/index.js';
import type { AppContext } from './platform/context.js';
import { seedDemo, type SeedResult } from './demo/seed.js';
import { startServer } from './main.js';
import { createProgress } from './platform/cli-progress.js';
import { XLSX_CONTENT_TYPE } from './platform/export/xlsx.js';
import { reconcileLedger } from './platform/ledger/index.js';
import { GIG_RECONCILE_CHECKS } from './modules/gig/index.js';

interface CommonOptions {
  dataDir?: string;
  databaseUrl?: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('must be a port number 0-65535');
  return port;
}

function configFrom(options: CommonOptions & { port?: number; host?: string }) {
  const overrides: ConfigOverrides = {};
  if (options.dataDir) overrides.dataDir = options.dataDir;
  if (options.databaseUrl) overrides.databaseUrl = options.databaseUrl;
  if (options.port !== undefined) overrides.port = options.port;
  if (options.host) overrides.host = options.host;
  return loadConfig(overrides);
}

const silentLog = {
  info() {},
  warn(message: string) {
    console.warn(`warning: ${message}`);
  },
  error() {},
  debug() {},
  trace() {},
  fatal() {},
  child() {
    return silentLog;
  },
  level: 'info',
  silent() {},
} as unknown as FastifyBaseLogger;

/** The tenant a command names; when there is none, says so and sets a failing exit code. */
async function findTenantOrFail(ctx: AppContext, code: string) {
  const tenant = await placesRepository.findTenantByCode(ctx.db, code);
  if (!tenant) {
    console.error(`No tenant with code "${code}"`);
    process.exitCode = 1;
  }
  return tenant;
}

/** A context for commands that work on the database without serving HTTP. */
async function openContext(options: CommonOptions): Promise<{ ctx: AppContext; database: DatabaseHandle }> {
  const config = configFrom(options);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrateToLatest(database.db);
  const cipher = new PiiCipher(
    loadDataKey({
      dataKey: config.dataKey,
      dataDir: config.dataDir,
      warn: (m) => console.warn(`warning: ${m}`),
    }),
  );
  // Commands enqueue and schedule; the engines run in the server, which delivers what they left.
  const ctx: AppContext = {
    db: database.db,
    databaseKind: database.kind,
    config,
    cipher,
    log: silentLog,
    outbox: new OutboxDispatcher({ db: database.db, log: silentLog }),
    jobs: new JobRunner({ db: database.db, log: silentLog }),
  };
  return { ctx, database };
}

function printDemoAccounts(result: SeedResult): void {
  if (!result.created) return;
  console.log(
    `\n演示数据已载入 Demo data loaded: ${result.counts.communities} communities, ${result.counts.grids} grids, ${result.counts.buildings} buildings, ${result.counts.facilities} facilities, ${result.counts.organisations} organisations.`,
  );
  console.log(
    '演示账号 Demo accounts (password for all / 统一密码: ' + (result.accounts[0]?.password ?? '') + '):',
  );
  for (const account of result.accounts)
    console.log(`  ${account.role.padEnd(17)} ${account.phone}  ${account.name}`);
  console.log('');
}

const withCommon = (command: Command) =>
  command
    .option(
      '--data-dir <dir>',
      'data directory for the embedded database and key (env JIEDAO_DATA_DIR, default ./data)',
    )
    .option('--database-url <url>', 'PostgreSQL URL instead of the embedded database (env DATABASE_URL)');

const program = new Command();
program
  .name('jiedao')
  .description('Jiedao 街道 — digital public services of a subdistrict')
  .showHelpAfterError();

withCommon(program.command('serve'))
  .description('run the HTTP server (API, docs, web app); migrates first')
  .option('--port <port>', 'port to listen on (env PORT, default 3000)', parsePort)
  .option('--host <host>', 'address to bind (env HOST, default 0.0.0.0)')
  .option('--demo', 'load the Gudang demo data when it is not there yet')
  .action(async (options: CommonOptions & { port?: number; host?: string; demo?: boolean }) => {
    const config = configFrom(options);
    const server = await startServer(config, { demo: options.demo ?? false, onSeeded: printDemoAccounts });
    console.log(
      `Jiedao 街道 listening on ${server.url} (database: ${config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`})`,
    );
  });

withCommon(program.command('migrate'))
  .description('apply pending database migrations; exits non-zero when one fails')
  .action(async (options: CommonOptions) => {
    const config = configFrom(options);
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      const results = await migrateToLatest(database.db);
      if (results.length === 0) console.log('Database is up to date.');
      for (const result of results)
        console.log(`${result.status === 'Success' ? 'applied' : result.status}: ${result.migrationName}`);
    } finally {
      await database.close();
    }
  });

withCommon(program.command('seed'))
  .description('load the Gudang demo data (tenant, communities, grids, facilities, one account per role)')
  .action(async (options: CommonOptions) => {
    const { ctx, database } = await openContext(options);
    try {
      const progress = createProgress();
      const result = await seedDemo(ctx, (step, done, total) => progress.update(step, done, total));
      progress.stop();
      if (!result.created) console.log('Demo tenant "gudang" exists already; nothing to do.');
      printDemoAccounts(result);
    } finally {
      await database.close();
    }
  });

const importCommand = program.command('import').description('import data from files');
withCommon(importCommand.command('grids <file>'))
  .description(
    'import grids from a GeoJSON FeatureCollection (properties: code, name, community); all-or-nothing',
  )
  .requiredOption('--tenant <code>', 'tenant (subdistrict) code, e.g. gudang')
  .action(async (file: string, options: CommonOptions & { tenant: string }) => {
    let input: unknown;
    try {
      input = JSON.parse(fs.readFileSync(path.resolve(file), 'utf8'));
    } catch (error) {
      console.error(`Cannot read ${file} as JSON: ${(error as Error).message}`);
      process.exitCode = 1;
      return;
    }
    const { ctx, database } = await openContext(options);
    try {
      const tenant = await findTenantOrFail(ctx, options.tenant);
      if (!tenant) return;
      const progress = createProgress();
      const result = await importGrids(ctx, undefined, tenant.id, input, (phase, done, total) =>
        progress.update(phase === 'validate' ? 'checking' : 'importing', done, total),
      );
      progress.stop();
      if (result.ok) {
        console.log(`Imported ${result.imported} grid(s) into ${tenant.name} (${tenant.code}).`);
        return;
      }
      console.error(`Nothing imported: ${result.problems.length} bad feature(s) of ${result.checked}:`);
      for (const problem of result.problems)
        console.error(
          `  feature ${problem.index}${problem.code ? ` (${problem.code})` : ''}: ${problem.reason}`,
        );
      process.exitCode = 1;
    } finally {
      await database.close();
    }
  });

/** What a device-register file is, by its name; the importer checks the bytes themselves anyway. */
function registerContentType(file: string): string {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.xlsx') return XLSX_CONTENT_TYPE;
  if (extension === '.xls') return 'application/vnd.ms-excel';
  if (['.csv', '.txt', '.tsv'].includes(extension)) return 'text/csv';
  return 'application/octet-stream';
}

withCommon(importCommand.command('devices <file>'))
  .description(
    'import the device register (设备台账) from .xlsx or .csv (UTF-8, or GB18030 as Excel saves it); ' +
      'adds new codes, updates known ones; all-or-nothing',
  )
  .requiredOption('--tenant <code>', 'tenant (subdistrict) code, e.g. gudang')
  .action(async (file: string, options: CommonOptions & { tenant: string }) => {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.resolve(file));
    } catch (error) {
      console.error(`Cannot read ${file}: ${(error as Error).message}`);
      process.exitCode = 1;
      return;
    }
    const { ctx, database } = await openContext(options);
    try {
      const tenant = await findTenantOrFail(ctx, options.tenant);
      if (!tenant) return;
      const governance = createGovernance(ctx, new GridLocator(ctx.db));
      const progress = createProgress();
      let result: Awaited<ReturnType<typeof importDevices>>;
      try {
        result = await importDevices(
          governance,
          tenant.id,
          { bytes, contentType: registerContentType(file) },
          (done, total, phase) =>
            progress.update(phase === 'checking' ? 'checking' : 'importing', done, total),
        );
      } finally {
        progress.stop();
        await governance.intake.stop();
      }
      if (result.ok) {
        console.log(
          `Imported ${result.rows} device(s) into ${tenant.name} (${tenant.code}): ${result.created} new, ${result.updated} updated.`,
        );
        return;
      }
      console.error(`Nothing imported: ${result.errors.length} problem(s) in ${result.rows} row(s):`);
      for (const problem of result.errors)
        console.error(
          `  第 ${problem.row} 行 row ${problem.row}, ${problem.field}: ${problem.messageZh} (${problem.message})`,
        );
      process.exitCode = 1;
    } finally {
      await database.close();
    }
  });

withCommon(program.command('create-admin'))
  .description('create a tenant administrator account (or a platform administrator with --platform)')
  .requiredOption('--tenant <code>', 'tenant (subdistrict) code')
  .requiredOption('--name <name>', 'full name')
  .requiredOption('--phone <phone>', 'mobile number used to sign in')
  .option(
    '--password <password>',
    'password (env JIEDAO_ADMIN_PASSWORD); at least 10 characters, two character classes',
  )
  .option('--platform', 'grant platform_admin as well')
  .action(
    async (
      options: CommonOptions & {
        tenant: string;
        name: string;
        phone: string;
        password?: string;
        platform?: boolean;
      },
    ) => {
      const password = options.password ?? process.env.JIEDAO_ADMIN_PASSWORD;
      if (!password) {
        console.error('Give --password or set JIEDAO_ADMIN_PASSWORD');
        process.exitCode = 1;
        return;
      }
      const { ctx, database } = await openContext(options);
      try {
        const tenant = await findTenantOrFail(ctx, options.tenant);
        if (!tenant) return;
        const roles = [
          { role: 'tenant_admin' as const },
          ...(options.platform ? [{ role: 'platform_admin' as const }] : []),
        ];
        const { accountId } = await createAccountUnchecked(ctx, tenant.id, {
          name: options.name,
          phone: options.phone,
          password,
          roles,
        });
        console.log(
          `Created account ${accountId} (${roles.map((r) => r.role).join(', ')}) in ${tenant.name}.`,
        );
      } finally {
        await database.close();
      }
    },
  );

const ledgerCommand = program.command('ledger').description('the money ledger');
withCommon(ledgerCommand.command('reconcile'))
  .description(
    'prove the ledger whole: debits = credits, every balance = the sum of its transfers, every hold ' +
      'resolved once, no guarded account below zero, payout clearing = the payouts in flight; exits 1 on a finding',
  )
  .option('--tenant <code>', 'one tenant (subdistrict) only; default: every tenant with accounts')
  .action(async (options: CommonOptions & { tenant?: string }) => {
    const { ctx, database } = await openContext(options);
    try {
      let tenants: Array<{ id: string; code: string; name: string }>;
      if (options.tenant) {
        const tenant = await findTenantOrFail(ctx, options.tenant);
        if (!tenant) return;
        tenants = [tenant];
      } else
        tenants = await ctx.db
          .selectFrom('tenant')
          .select(['id', 'code', 'name'])
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom('ledgerAccount')
                .select('id')
                .whereRef('ledgerAccount.tenantId', '=', 'tenant.id'),
            ),
          )
          .orderBy('code')
          .execute();
      const progress = createProgress();
      const reports = [];
      for (const [index, tenant] of tenants.entries()) {
        progress.update('reconciling', index, tenants.length);
        reports.push({ tenant, report: await reconcileLedger(ctx.db, tenant.id, GIG_RECONCILE_CHECKS) });
      }
      progress.update('reconciling', tenants.length, tenants.length);
      progress.stop();
      for (const { tenant, report } of reports) {
        console.log(
          `${tenant.name} (${tenant.code}): ${report.accounts} accounts, ${report.transfers} transfers — ${report.ok ? 'OK 账平' : 'FINDINGS 账不平'}`,
        );
        for (const check of report.checks) {
          console.log(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
          for (const problem of check.problems) console.log(`       ${JSON.stringify(problem)}`);
        }
      }
      if (tenants.length === 0) console.log('No ledger accounts yet: nothing to reconcile.');
      if (reports.some(({ report }) => !report.ok)) process.exitCode = 1;
    } finally {
      await database.close();
    }
  });

program
  .command('openapi')
  .description('write the OpenAPI 3.1 document, or check a committed one for drift')
  .option('--out <file>', 'write the document to this file')
  .option('--check <file>', 'exit non-zero when this file differs from the current document')
  .action(async (options: { out?: string; check?: string }) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiedao-openapi-'));
    const config = loadConfig({ dataDir, dataKey: '0'.repeat(64), webDir: path.join(dataDir, 'no-web') });
    // The document comes from route schemas alone: a pool that never connects is enough.
    const db = createKysely(
      new PostgresDialect({ pool: createPostgresPool('postgres://openapi@127.0.0.1:9/none', 1) }),
    );
    const database: DatabaseHandle = { db, kind: 'postgres', location: 'none', close: () => db.destroy() };
    try {
      const { app } = await buildApp({ config, database, logger: false });
      await app.ready();
      const document = `${JSON.stringify(app.swagger(), null, 2)}\n`;
      await app.close();
      if (options.out) fs.writeFileSync(options.out, document);
      if (options.check) {
        const committed = fs.existsSync(options.check) ? fs.readFileSync(options.check, 'utf8') : '';
        if (committed !== document) {
          console.error(`${options.check} is out of date: run \`npm run openapi\` and commit the result.`);
          process.exitCode = 1;
          return;
        }
        console.log(`${options.check} is up to date.`);
      }
      if (!options.out && !options.check) process.stdout.write(document);
    } finally {
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
