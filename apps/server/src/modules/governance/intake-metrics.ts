import { Gauge, type Registry } from 'prom-client';
import type { IngestorStatus } from '../../platform/mqtt/mqtt-ingestor.js';
import type { IntakePipeline } from './intake.js';

/**
 * The intake's counters on /metrics, read when scraped (nothing is counted twice on the hot path):
 * messages by outcome, batches, retries, the seconds spent mapping and writing, the queue, and the
 * MQTT sessions' received / acknowledged / pending messages and state.
 */
export function registerIntakeMetrics(
  registry: Registry,
  intake: IntakePipeline,
  mqtt: { status(): IngestorStatus } | undefined,
  unroutable: { count: number },
): void {
  const outcomes = [
    ['accepted', 'accepted'],
    ['duplicate', 'duplicates'],
    ['dead_letter', 'deadLetters'],
    ['unknown_device', 'unknownDevices'],
    ['heartbeat', 'heartbeats'],
  ] as const;
  new Gauge({
    name: 'jiedao_intake_messages',
    help: 'Messages the command-center intake handled since start, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      for (const [label, key] of outcomes) this.set({ outcome: label }, intake.stats[key]);
      this.set({ outcome: 'unroutable' }, unroutable.count);
    },
  });
  const simple: Array<[string, string, () => number]> = [
    ['jiedao_intake_batches', 'Batches the intake committed since start', () => intake.stats.batches],
    [
      'jiedao_intake_retries',
      'Batches run again because another writer changed their incidents',
      () => intake.stats.retries,
    ],
    [
      'jiedao_intake_map_seconds',
      'Seconds spent mapping, routing and encrypting messages since start',
      () => intake.stats.mapMs / 1000,
    ],
    [
      'jiedao_intake_write_seconds',
      'Seconds spent in write transactions (correlation and commit included) since start',
      () => intake.stats.writeMs / 1000,
    ],
    ['jiedao_intake_queue', 'Messages waiting for a batch', () => intake.queued],
  ];
  for (const [name, help, read] of simple)
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  if (!mqtt) return;
  new Gauge({
    name: 'jiedao_mqtt_messages',
    help: 'MQTT messages since start: received (redeliveries included), acknowledged, redelivered, pending',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const status = mqtt.status();
      this.set({ kind: 'received' }, status.received);
      this.set({ kind: 'acknowledged' }, status.acknowledged);
      this.set({ kind: 'redelivered' }, status.redelivered);
      this.set({ kind: 'pending' }, status.pendingAcks);
    },
  });
  new Gauge({
    name: 'jiedao_mqtt_connected',
    help: '1 while the MQTT intake is connected, else 0',
    registers: [registry],
    collect() {
      this.set(mqtt.status().state === 'connected' ? 1 : 0);
    },
  });
}
