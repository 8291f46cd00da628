import type { AppContext } from '../platform/context.js';
import type { GovernanceRuntime, IntakeSubmission } from '../modules/governance/index.js';

/**
 * A **simulator** of the demo subdistrict's devices, for `serve --demo` only: real devices report
 * over MQTT; the demo has none, so without this every demo device would fall silent and be marked
 * offline a day after seeding. Every `intervalMs` it sends, through the real intake (source `iot`),
 * a heartbeat for each device that is not disabled, and now and then an alarm from one random
 * smoke or water sensor followed by its recovery a few minutes later — so the console and the big
 * screen show live traffic. Nothing it does bypasses the intake.
 */
export interface DeviceSimulatorOptions {
  intervalMs?: number;
  /** Chance per round that one device raises an alarm. */
  alarmChance?: number;
  random?: () => number;
}

export function startDeviceSimulator(
  ctx: AppContext,
  runtime: GovernanceRuntime,
  tenantCode: string,
  options: DeviceSimulatorOptions = {},
): () => void {
  const intervalMs = options.intervalMs ?? 5 * 60_000;
  const alarmChance = options.alarmChance ?? 0.5;
  const random = options.random ?? Math.random;
  const g = runtime.governance;
  const pendingRecoveries: Array<{ code: string; at: number }> = [];
  let round = 0;
  let running: Promise<void> | undefined;

  const tick = async () => {
    const tenant = await g.directory.tenantByCode(tenantCode);
    if (!tenant) return;
    const source = await g.directory.source(tenant.id, 'iot');
    if (!source) return;
    const devices = [...(await g.directory.devices(tenant.id)).values()].filter(
      (device) => device.state !== 'disabled',
    );
    const now = new Date();
    round++;
    const message = (code: string, kind: string, payload: Record<string, unknown>): IntakeSubmission => ({
      tenantId: tenant.id,
      source,
      topic: `jiedao/${tenantCode}/devices/${code}/${kind}`,
      payload,
      rawText: JSON.stringify(payload),
      receivedAt: now,
    });
    const submissions = devices
      // A device in fault keeps quiet: the simulator leaves the demo's broken devices broken.
      .filter((device) => device.state !== 'fault')
      .map((device) => message(device.code, 'heartbeat', { ts: now.getTime() }));
    const due = pendingRecoveries.filter((entry) => entry.at <= now.getTime());
    for (const entry of due) {
      pendingRecoveries.splice(pendingRecoveries.indexOf(entry), 1);
      submissions.push(
        message(entry.code, 'recovered', { msgId: `sim-rec-${entry.code}-${round}`, ts: now.getTime() }),
      );
    }
    if (random() < alarmChance) {
      const candidates = devices.filter(
        (device) => (device.type === 'smoke' || device.type === 'water') && device.state === 'online',
      );
      const chosen = candidates[Math.floor(random() * candidates.length)];
      if (chosen) {
        submissions.push(
          message(chosen.code, 'alarm', {
            msgId: `sim-${chosen.code}-${round}`,
            ts: now.getTime(),
            value: 80,
          }),
        );
        pendingRecoveries.push({ code: chosen.code, at: now.getTime() + 3 * intervalMs });
      }
    }
    // In chunks, so a heartbeat round never holds the intake for long.
    for (let start = 0; start < submissions.length; start += 2000)
      await g.intake.submit(submissions.slice(start, start + 2000));
  };

  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'demo device simulator round failed'))
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  // A first round right away: the seeded last-seen times are hours old.
  running = tick()
    .catch((error: unknown) => ctx.log.warn({ err: error }, 'demo device simulator round failed'))
    .finally(() => (running = undefined));
  return () => clearInterval(timer);
}
