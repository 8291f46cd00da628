import { buildApp } from './app.js';
import type { AppConfig } from './platform/config.js';
import { openDatabase, type DatabaseHandle } from './platform/database/database.js';
import { migrateToLatest } from './platform/database/migrator.js';
import { seedDemo, type SeedResult } from './demo/seed.js';
import { DEMO_TENANT } from './demo/demo-data.js';
import { startDeviceSimulator } from './demo/device-simulator.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Opens the database, applies migrations, optionally loads the demo, and listens. SIGINT/SIGTERM
 * stop accepting connections, let in-flight requests finish, then close the database.
 */
export async function startServer(
  config: AppConfig,
  options: { demo: boolean; onSeeded?: (result: SeedResult) => void },
): Promise<RunningServer> {
  const database: DatabaseHandle = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
  });
  try {
    await migrateToLatest(database.db);
    const { app, ctx, governance } = await buildApp({ config, database });
    let stopSimulator: (() => void) | undefined;
    if (options.demo) {
      const result = await seedDemo(ctx);
      options.onSeeded?.(result);
      // Without a broker the demo's devices would fall silent; a documented simulator keeps them alive.
      if (!config.mqttUrl) stopSimulator = startDeviceSimulator(ctx, governance, DEMO_TENANT.code);
    }
    const url = await app.listen({ port: config.port, host: config.host });
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        stopSimulator?.();
        await app.close();
        await database.close();
      })();
      return closing;
    };
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        app.log.info({ signal }, 'shutting down');
        close().then(
          () => process.exit(0),
          (error: unknown) => {
            app.log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
    }
    return { url, close };
  } catch (error) {
    await database.close();
    throw error;
  }
}
