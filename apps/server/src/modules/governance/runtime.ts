import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { AppContext } from '../../platform/context.js';
import { MqttIngestor, type IngestMessage } from '../../platform/mqtt/mqtt-ingestor.js';
import { RealtimeHub } from '../../platform/realtime/realtime-hub.js';
import type { GridLocator } from '../places/index.js';
import type { SourceInfo } from './directory.js';
import { createGovernance, type Governance } from './governance.js';
import { registerIntakeMetrics } from './intake-metrics.js';
import type { IntakeSubmission } from './intake.js';
import { DEVICE_TOPIC } from './mappings.js';
import { registerGovernanceRoutes } from './governance.routes.js';
import { registerOpen311Routes } from './open311/open311.routes.js';
import type { BrokerStatus } from './sources.service.js';
import { runSweeps } from './sweeps.js';

/**
 * The governance module at run time: the live stream hub, the intake, the MQTT subscriber and the
 * periodic sweeps, with their shutdown. MQTT messages are acknowledged to the broker only after the
 * intake committed them (the ingestor holds each PUBACK until its batch's promise resolves).
 */
export interface GovernanceRuntime {
  governance: Governance;
  hub: RealtimeHub;
  mqtt: MqttIngestor | undefined;
  brokerStatus(): BrokerStatus;
  /** Messages whose topic named no known tenant (counted, logged; nothing to store them under). */
  unroutable: { count: number; lastTopic: string | null };
}

export function startGovernance(
  app: FastifyInstance,
  ctx: AppContext,
  locator: GridLocator,
  metrics?: Registry,
): GovernanceRuntime {
  const hub = new RealtimeHub();
  const governance = createGovernance(ctx, locator, { realtime: hub });
  const config = ctx.config;
  const unroutable = { count: 0, lastTopic: null as string | null };

  const handleMqtt = async (batch: IngestMessage[]): Promise<void> => {
    const submissions: IntakeSubmission[] = [];
    // A batch comes from a handful of subdistricts: look each up once, not once per message.
    const routes = new Map<string, { tenantId: string; source: SourceInfo } | undefined>();
    for (const message of batch) {
      const match = DEVICE_TOPIC.exec(message.topic);
      const code = match?.[1];
      let route = code === undefined ? undefined : routes.get(code);
      if (code !== undefined && !routes.has(code)) {
        const tenantId = (await governance.directory.tenantByCode(code))?.id;
        const source = tenantId ? await governance.directory.source(tenantId, 'iot') : undefined;
        route = tenantId && source ? { tenantId, source } : undefined;
        routes.set(code, route);
      }
      if (!route) {
        unroutable.count++;
        unroutable.lastTopic = message.topic;
        ctx.log.warn({ topic: message.topic }, 'MQTT message for no known tenant or IoT source');
        continue;
      }
      const rawText = message.payload.toString('utf8');
      let payload: unknown;
      let rejectReason: string | undefined;
      if (rawText.trim() !== '')
        try {
          payload = JSON.parse(rawText);
        } catch {
          rejectReason = 'payload is not valid JSON';
        }
      submissions.push({
        tenantId: route.tenantId,
        source: route.source,
        topic: message.topic,
        payload,
        rawText,
        contentType: 'application/json',
        receivedAt: message.receivedAt,
        rejectReason,
      });
    }
    if (submissions.length > 0) await governance.intake.submit(submissions);
  };

  const mqtt = config.mqttUrl
    ? new MqttIngestor({
        url: config.mqttUrl,
        clientId: config.mqttClientId,
        topics: ['jiedao/+/devices/+/+'],
        connections: config.mqttConnections,
        shareGroup: config.mqttConnections > 1 ? 'jiedao-intake' : undefined,
        handler: handleMqtt,
        // The intake maps the next batch while the previous one is in its write transaction; a
        // second batch in hand keeps that pipeline full. PUBACKs still go out in arrival order.
        maxConcurrentBatches: 4,
        receiveMaximum: config.mqttReceiveMaximum,
        onError: (error, context) => ctx.log.warn({ err: error, context }, 'MQTT intake problem'),
      })
    : undefined;
  if (mqtt) {
    mqtt.onStatusChange((status) =>
      ctx.log.info({ state: status.state, lastError: status.lastError }, 'MQTT intake state'),
    );
    // A broker that is down at start is retried with backoff; it does not stop the server.
    mqtt
      .start()
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'MQTT broker not reachable yet; retrying'));
  }

  if (config.sweepIntervalMs > 0)
    ctx.jobs.every('governance.sweeps', config.sweepIntervalMs, async () => {
      await runSweeps(governance, { offlineAfterMs: config.deviceOfflineAfterMs });
    });

  if (metrics) registerIntakeMetrics(metrics, governance.intake, mqtt, unroutable);
  registerGovernanceRoutes(app, governance, { hub, brokerStatus });
  registerOpen311Routes(app, governance);

  function brokerStatus(): BrokerStatus {
    if (!mqtt) return { state: 'disabled', since: null, lastError: null };
    const status = mqtt.status();
    return { state: status.state, since: status.since, lastError: status.lastError ?? null };
  }

  // Live streams would keep the server from closing: end them first.
  app.addHook('preClose', (done) => {
    hub.close();
    done();
  });
  app.addHook('onClose', async () => {
    if (mqtt) await mqtt.stop();
    await governance.intake.stop();
  });

  return { governance, hub, mqtt, brokerStatus, unroutable };
}
