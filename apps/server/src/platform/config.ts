import os from 'node:os';
import path from 'node:path';

/** Runtime configuration, read once from the environment and CLI flags. */
export interface AppConfig {
  /** TCP port; 0 picks a free one (tests, benches). */
  port: number;
  host: string;
  /** Directory for the embedded database, the generated data key and other local state. */
  dataDir: string;
  /** When set, PostgreSQL is used instead of the embedded PGlite. */
  databaseUrl: string | undefined;
  /** 32-byte key (hex or base64) for PII encryption and blind indexes; generated in dataDir when unset. */
  dataKey: string | undefined;
  logLevel: string;
  /** Cookies get `Secure` when the public origin is https. */
  secureCookies: boolean;
  /** Origins allowed to make state-changing requests besides the request's own host. */
  allowedOrigins: string[];
  /** Maximum request body size in bytes. */
  bodyLimit: number;
  /** Directory of the built web app; served at `/` when it exists. */
  webDir: string | undefined;
  /** Real-name verification simulator tuning. */
  verification: { minLatencyMs: number; maxLatencyMs: number; failureRate: number; timeoutMs: number };
  /** Login lockout policy. */
  lockout: { maxFailures: number; lockMinutes: number };
  sessionTtlHours: number;
  /** How long a resolved session may be served from memory; 0 turns the cache off (ADR 0003). */
  sessionCacheMs: number;
  /** Sign-in attempts allowed per client address per minute (on top of the per-account lockout). */
  loginRateLimitPerMinute: number;
  /** MQTT broker the IoT intake subscribes to (`mqtt://127.0.0.1:1883`); unset: no MQTT intake. */
  mqttUrl: string | undefined;
  /** Names the persistent MQTT session(s); unique per running process. */
  mqttClientId: string;
  /** Parallel MQTT sessions on a shared subscription. */
  mqttConnections: number;
  /** MQTT 5 Receive Maximum: messages the broker may have sent us unacknowledged, per session. */
  mqttReceiveMaximum: number;
  /** How often the command center's sweeps run (reminders, 督办, offline devices); 0 turns them off. */
  sweepIntervalMs: number;
  /** A device silent this long goes offline. */
  deviceOfflineAfterMs: number;
  /**
   * The payout rail's address (`http://127.0.0.1:4790`, the simulator run as its own process by
   * `platform/payout-rail/simulator-main.ts`); unset: the simulator runs inside this process.
   */
  payoutRailUrl: string | undefined;
  /** An accepted payout with no report is asked about after this long (a real rail: a minute). */
  payoutQueryAfterMs: number;
  /** First delay after the rail gave no answer; doubles per attempt up to 10 minutes. */
  payoutRetryBaseMs: number;
}

export type ConfigOverrides = Partial<AppConfig>;

function numberFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`Expected a number, got "${value}"`);
  return parsed;
}

/** Builds the configuration from environment variables, then applies explicit overrides (CLI flags, tests). */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const base: AppConfig = {
    port: numberFrom(env.PORT, 3000),
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.JIEDAO_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    dataKey: env.JIEDAO_DATA_KEY || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    secureCookies: env.JIEDAO_SECURE_COOKIES === 'true',
    allowedOrigins: (env.JIEDAO_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    bodyLimit: numberFrom(env.JIEDAO_BODY_LIMIT, 1024 * 1024),
    webDir: env.JIEDAO_WEB_DIR,
    verification: {
      minLatencyMs: numberFrom(env.JIEDAO_IDV_MIN_LATENCY_MS, 80),
      maxLatencyMs: numberFrom(env.JIEDAO_IDV_MAX_LATENCY_MS, 400),
      failureRate: numberFrom(env.JIEDAO_IDV_FAILURE_RATE, 0.02),
      timeoutMs: numberFrom(env.JIEDAO_IDV_TIMEOUT_MS, 3000),
    },
    lockout: { maxFailures: 5, lockMinutes: 15 },
    sessionTtlHours: 12,
    loginRateLimitPerMinute: numberFrom(env.JIEDAO_LOGIN_RATE_LIMIT, 30),
    sessionCacheMs: numberFrom(env.JIEDAO_SESSION_CACHE_MS, 5000),
    mqttUrl: env.JIEDAO_MQTT_URL || undefined,
    mqttClientId: env.JIEDAO_MQTT_CLIENT_ID ?? `jiedao-${os.hostname()}`,
    mqttConnections: numberFrom(env.JIEDAO_MQTT_CONNECTIONS, 1),
    mqttReceiveMaximum: numberFrom(env.JIEDAO_MQTT_RECEIVE_MAXIMUM, 65_535),
    sweepIntervalMs: numberFrom(env.JIEDAO_SWEEP_INTERVAL_MS, 30_000),
    deviceOfflineAfterMs: numberFrom(env.JIEDAO_DEVICE_OFFLINE_AFTER_MS, 24 * 3600_000),
    payoutRailUrl: env.JIEDAO_PAYOUT_RAIL_URL || undefined,
    payoutQueryAfterMs: numberFrom(env.JIEDAO_PAYOUT_QUERY_AFTER_MS, 60_000),
    payoutRetryBaseMs: numberFrom(env.JIEDAO_PAYOUT_RETRY_BASE_MS, 5_000),
  };
  const merged = {
    ...base,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
  merged.dataDir = path.resolve(merged.dataDir);
  return merged;
}
