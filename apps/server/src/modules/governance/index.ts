/**
 * Governance (一体化指挥中心): event sources and their intake (webhooks, MQTT, Open311, reports),
 * devices, incidents, cases through the closed loop, service levels, KPIs and the live stream.
 * Other modules import only from here.
 */
export { startGovernance, type GovernanceRuntime } from './runtime.js';
export { createGovernance, type Governance } from './governance.js';
export type { IntakeOutcome, IntakeSubmission } from './intake.js';
export {
  ensureDefaultSources,
  DEFAULT_SOURCES,
  signBody,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from './sources.js';
export { moveCase, actOnTask } from './cases.service.js';
export { runSweeps } from './sweeps.js';
export type { GovernanceTables } from './governance.tables.js';
export {
  importDevices,
  listDevices,
  exportDevices,
  deviceStats,
  type ImportProgress,
} from './devices.service.js';
