import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { RealtimeHub } from '../../platform/realtime/realtime-hub.js';
import { registerSmsSender, SimulatedSmsGateway, type SmsGateway } from '../../platform/sms/index.js';
import * as attendance from './attendance.service.js';
import { SimulatedBankGateway, type BankGateway } from './bank-simulator.js';
import { createGig, type Gig, type GigOptions } from './gig.js';
import { registerGigRoutes } from './gig.routes.js';
import * as hiring from './hiring.service.js';
import * as jobs from './jobs.service.js';
import * as profiles from './profiles.service.js';
import * as wages from './wages.service.js';

export interface StartGigOptions {
  /** Where employers' top-ups come from; the bank simulator by default (no bank is reachable here). */
  bank?: BankGateway;
  /** How SMS leave; the SMS gateway simulator by default (no gateway is reachable here). */
  sms?: SmsGateway;
  gig?: Partial<GigOptions>;
  now?: () => Date;
}

export interface GigRuntime {
  gig: Gig & { bank: BankGateway };
  sms: SmsGateway;
}

/**
 * Wires the gig market into the app: its routes, its live hub (partitioned per worker and per
 * employer), the SMS sender on the durable job runner, and its sweeps — attendance (auto-confirm,
 * no-shows, missing clock-outs), push waves for jobs still short of hands, and settlement.
 */
export function startGig(app: FastifyInstance, ctx: AppContext, options: StartGigOptions = {}): GigRuntime {
  // Small replay rings: a partition is one person's events, and there may be very many partitions.
  const hub = new RealtimeHub({ bufferSize: 50 });
  const bank =
    options.bank ?? new SimulatedBankGateway({ seed: Date.now() % 2_147_483_647, latencyMs: [20, 120] });
  const sms = options.sms ?? new SimulatedSmsGateway({ seed: Date.now() % 2_147_483_647 });
  const gig = Object.assign(createGig(ctx, hub, options.gig, options.now), { bank });
  registerSmsSender(ctx.jobs, { gateway: sms, cipher: ctx.cipher, log: ctx.log });
  registerGigRoutes(app, gig);
  if (ctx.config.sweepIntervalMs > 0) {
    ctx.jobs.every('gig.attendance', ctx.config.sweepIntervalMs, async () => {
      await attendance.sweepAttendance(gig);
    });
    ctx.jobs.every('gig.push_waves', ctx.config.sweepIntervalMs, async () => {
      await jobs.pushDueWaves(gig);
    });
    ctx.jobs.every('gig.settle', ctx.config.sweepIntervalMs, async () => {
      await wages.runSettlement(gig, undefined);
    });
  }
  let warming: Promise<unknown> = Promise.resolve();
  app.addHook('onReady', async () => {
    // Not awaited: the server answers while the matcher loads; a request that needs it waits for the same load.
    warming = gig.matcher.warm().catch((error: unknown) => {
      ctx.log.warn({ err: error }, 'gig: matcher warm-up failed; it loads on first use');
    });
  });
  app.addHook('preClose', async () => {
    // Live streams would keep the server from closing: end them first.
    hub.close();
    await warming;
  });
  return { gig, sms };
}

/**
 * A gig context outside the server (the demo seed, scripts): the same services on the given clock,
 * with the bank simulator; live events go to `hub`.
 */
export function createGigContext(
  ctx: AppContext,
  hub: RealtimeHub,
  now: () => Date,
): Gig & { bank: BankGateway } {
  return Object.assign(createGig(ctx, hub, {}, now), { bank: new SimulatedBankGateway({ seed: 1 }) });
}

/** The module's use cases, for the demo seed and scripts that act as the people involved. */
export const gigServices = {
  registerWorker: profiles.registerWorker,
  myWorkerProfile: profiles.myWorkerProfile,
  registerEmployer: profiles.registerEmployer,
  addSite: profiles.addSite,
  topUp: profiles.topUp,
  depositGuarantee: profiles.depositGuarantee,
  postJob: jobs.postJob,
  pushWave: jobs.pushWave,
  feed: jobs.feed,
  apply: hiring.apply,
  invite: hiring.invite,
  offer: hiring.offer,
  accept: hiring.accept,
  confirmHire: hiring.confirmHire,
  listAssignments: attendance.listAssignments,
  clockIn: attendance.clockIn,
  clockOut: attendance.clockOut,
  confirmAttendance: attendance.confirmAttendance,
  raiseDispute: attendance.raiseDispute,
  sweepAttendance: attendance.sweepAttendance,
  runSettlement: wages.runSettlement,
};
