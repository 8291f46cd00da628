/**
 * The payout-rail simulator as its own process, for crash drills: the Jiedao server can be killed
 * with SIGKILL while this keeps what it paid.
 *
 *   npx tsx apps/server/src/platform/payout-rail/simulator-main.ts --port 4790 --seed 7 \
 *     --unavailable-rate 0.1 --lost-answer-rate 0.1 --settle-ms 50,500
 *
 * Prints one line with its url once it listens; SIGTERM/SIGINT close it gracefully.
 */
import { parseArgs } from 'node:util';
import type { SimulatedPayoutRailOptions } from './payout-rail.js';
import { startPayoutRailSimulatorServer } from './simulator-server.js';

function fail(message: string): never {
  process.stderr.write(`payout-rail simulator: ${message}\n`);
  process.exit(2);
}

function toNumber(
  flag: string,
  raw: string | undefined,
  { min = 0, max = Infinity } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max)
    fail(`--${flag} must be a number between ${min} and ${max}, got "${raw}"`);
  return value;
}

function toRange(flag: string, raw: string | undefined): [number, number] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',');
  const low = toNumber(flag, parts[0]);
  const high = toNumber(flag, parts[1]);
  if (parts.length !== 2 || low === undefined || high === undefined || high < low)
    fail(`--${flag} must be "low,high" in ms with low ≤ high, got "${raw}"`);
  return [low, high];
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '4790' },
        host: { type: 'string', default: '127.0.0.1' },
        seed: { type: 'string' },
        'unavailable-rate': { type: 'string' },
        'lost-answer-rate': { type: 'string' },
        'duplicate-report-rate': { type: 'string' },
        'missing-report-rate': { type: 'string' },
        'settle-ms': { type: 'string' },
        'latency-ms': { type: 'string' },
      },
      strict: true,
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();

const port = toNumber('port', values.port, { max: 65_535 });
if (port === undefined || !Number.isInteger(port)) fail('--port must be an integer');

// Only the flags given: the simulator's own defaults apply to the rest.
const rail: SimulatedPayoutRailOptions = {};
const seed = toNumber('seed', values.seed, { min: -Infinity });
if (seed !== undefined) rail.seed = seed;
const rates = {
  unavailableRate: toNumber('unavailable-rate', values['unavailable-rate'], { max: 1 }),
  lostAnswerRate: toNumber('lost-answer-rate', values['lost-answer-rate'], { max: 1 }),
  duplicateReportRate: toNumber('duplicate-report-rate', values['duplicate-report-rate'], { max: 1 }),
  missingReportRate: toNumber('missing-report-rate', values['missing-report-rate'], { max: 1 }),
};
for (const [name, value] of Object.entries(rates))
  if (value !== undefined) rail[name as keyof typeof rates] = value;
const settleMs = toRange('settle-ms', values['settle-ms']);
if (settleMs) rail.settleMs = settleMs;
const latencyMs = toRange('latency-ms', values['latency-ms']);
if (latencyMs) rail.latencyMs = latencyMs;

const server = await startPayoutRailSimulatorServer({ port, host: values.host, rail }).catch(
  (error: unknown) => fail(error instanceof Error ? error.message : String(error)),
);
process.stdout.write(`payout-rail simulator listening on ${server.url}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`payout-rail simulator: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
