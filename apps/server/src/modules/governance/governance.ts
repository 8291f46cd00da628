import type { AppContext } from '../../platform/context.js';
import type { GridLocator } from '../places/index.js';
import { Directory } from './directory.js';
import { IntakePipeline, type IntakeOptions, type RealtimePublisher } from './intake.js';
import { SlaBooks } from './sla.js';

/** The governance module's long-lived parts, built once per process. */
export interface Governance {
  ctx: AppContext;
  locator: GridLocator;
  directory: Directory;
  books: SlaBooks;
  intake: IntakePipeline;
  realtime: RealtimePublisher | undefined;
}

export function createGovernance(
  ctx: AppContext,
  locator: GridLocator,
  options: { realtime?: RealtimePublisher; intake?: Partial<IntakeOptions> } = {},
): Governance {
  const directory = new Directory(ctx.db);
  const books = new SlaBooks(ctx.db);
  const intake = new IntakePipeline(
    {
      db: ctx.db,
      directory,
      locator,
      books,
      cipher: ctx.cipher,
      log: ctx.log,
      realtime: options.realtime,
      outbox: ctx.outbox,
    },
    options.intake,
  );
  return { ctx, locator, directory, books, intake, realtime: options.realtime };
}
