import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../testing/test-database.js';
import type { DatabaseHandle } from '../database/database.js';
import type { Database } from '../database/schema.js';
import { newId } from '../ids.js';
import { enqueueOutbox, enqueueOutboxMany, pruneOutbox, retryParkedOutbox } from './outbox.js';
import { OutboxDispatcher, type OutboxDispatcherOptions, type OutboxEvent } from './outbox-dispatcher.js';

let handle: DatabaseHandle;
let db: Kysely<Database>;

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
});
afterAll(() => handle.close());

const onPostgres = Boolean(process.env.JIEDAO_TEST_DATABASE_URL);
const tenantA = newId();
const tenantB = newId();

interface LogEntry {
  level: 'warn' | 'error';
  context: unknown;
  message: string | undefined;
}

function createLog() {
  const entries: LogEntry[] = [];
  return {
    entries,
    warn: (context: unknown, message?: string) => void entries.push({ level: 'warn', context, message }),
    error: (context: unknown, message?: string) => void entries.push({ level: 'error', context, message }),
  };
}

function createDispatcher(options: Partial<OutboxDispatcherOptions> = {}) {
  const log = createLog();
  const dispatcher = new OutboxDispatcher({
    db,
    log,
    pollIntervalMs: 20,
    retryDelayMs: () => 10,
    ...options,
  });
  return { dispatcher, log };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function pendingDeliveries(subscriber: string) {
  return db.selectFrom('outboxDelivery').selectAll().where('subscriber', '=', subscriber).execute();
}

describe('OutboxDispatcher', () => {
  it('delivers a committed event once, with its payload, soon after a poke', async () => {
    const received: OutboxEvent[] = [];
    const { dispatcher } = createDispatcher({ pollIntervalMs: 60_000 });
    dispatcher.subscribe('once', ['case.opened'], async (event) => void received.push(event));
    await dispatcher.start();
    try {
      const id = await db.transaction().execute((trx) =>
        enqueueOutbox(trx, {
          tenantId: tenantA,
          topic: 'case.opened',
          aggregateId: 'c1',
          payload: { n: 1 },
        }),
      );
      // The poll interval is a minute: only the poke can bring this event in time.
      dispatcher.poke();
      await waitFor(() => received.length === 1);
      await waitFor(async () => (await pendingDeliveries('once')).length === 0);
      dispatcher.poke();
      await sleep(50);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        tenantId: tenantA,
        id,
        topic: 'case.opened',
        aggregateId: 'c1',
        payload: { n: 1 },
        attempt: 1,
      });
      expect(received[0]!.createdAt).toBeInstanceOf(Date);
    } finally {
      await dispatcher.stop();
    }
  });

  it('retries a failing handler with backoff until it succeeds, recording attempts and the error', async () => {
    const attempts: number[] = [];
    const delaysAsked: number[] = [];
    const { dispatcher, log } = createDispatcher({
      retryDelayMs: (failures) => {
        delaysAsked.push(failures);
        return 10 * failures;
      },
    });
    dispatcher.subscribe('flaky', ['flaky.topic'], async (event) => {
      attempts.push(event.attempt);
      if (event.attempt <= 2) throw new Error(`boom ${event.attempt}`);
    });
    await dispatcher.start();
    try {
      await db
        .transaction()
        .execute((trx) => enqueueOutbox(trx, { tenantId: tenantA, topic: 'flaky.topic', payload: {} }));
      dispatcher.poke();
      await waitFor(() => attempts.length === 3);
      await waitFor(async () => (await pendingDeliveries('flaky')).length === 0);
      await sleep(50);
      expect(attempts).toEqual([1, 2, 3]);
      expect(delaysAsked).toEqual([1, 2]);
      const warnings = log.entries.filter((entry) => entry.level === 'warn');
      expect(warnings.map((entry) => entry.context)).toMatchObject([
        { subscriber: 'flaky', attempts: 1, delayMs: 10 },
        { subscriber: 'flaky', attempts: 2, delayMs: 20 },
      ]);
    } finally {
      await dispatcher.stop();
    }
  });

  it('records attempts and the last error on a delivery awaiting its retry', async () => {
    const { dispatcher } = createDispatcher({ retryDelayMs: () => 600_000 });
    dispatcher.subscribe('failing', ['failing.topic'], async () => {
      throw new TypeError('no such case');
    });
    await dispatcher.start();
    try {
      await db
        .transaction()
        .execute((trx) => enqueueOutbox(trx, { tenantId: tenantA, topic: 'failing.topic', payload: {} }));
      dispatcher.poke();
      await waitFor(async () => (await pendingDeliveries('failing'))[0]?.attempts === 1);
      const [row] = await pendingDeliveries('failing');
      expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: 'TypeError: no such case' });
      expect(row!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 60_000);
    } finally {
      await dispatcher.stop();
    }
  });

  it('delivers nothing from a producer transaction that rolls back', async () => {
    const received: OutboxEvent[] = [];
    const { dispatcher } = createDispatcher();
    dispatcher.subscribe('rollback', ['rollback.topic'], async (event) => void received.push(event));
    await dispatcher.start();
    try {
      await expect(
        db.transaction().execute(async (trx) => {
          await enqueueOutbox(trx, { tenantId: tenantA, topic: 'rollback.topic', payload: { lost: true } });
          throw new Error('producer fails');
        }),
      ).rejects.toThrow('producer fails');
      // A committed marker after it: once the marker arrives, the rolled-back event would have too.
      await db
        .transaction()
        .execute((trx) =>
          enqueueOutbox(trx, { tenantId: tenantA, topic: 'rollback.topic', payload: { marker: true } }),
        );
      dispatcher.poke();
      await waitFor(() => received.length >= 1);
      await sleep(50);
      expect(received.map((event) => event.payload)).toEqual([{ marker: true }]);
    } finally {
      await dispatcher.stop();
    }
  });

  it('delivers in event order; a failing event holds back only its tenant, and is parked after maxAttempts', async () => {
    const ordered: string[] = [];
    const other: string[] = [];
    const { dispatcher, log } = createDispatcher({ maxAttempts: 3 });
    dispatcher.subscribe('ordered', ['order.topic'], async (event) => {
      const { label } = event.payload as { label: string };
      if (label === 'a2') throw new Error('a2 is poison');
      ordered.push(label);
    });
    dispatcher.subscribe('bystander', ['order.topic'], async (event) => {
      other.push((event.payload as { label: string }).label);
    });
    await dispatcher.start();
    try {
      const labels = ['a1', 'b1', 'a2', 'b2', 'a3', 'b3'];
      await db.transaction().execute((trx) =>
        enqueueOutboxMany(
          trx,
          labels.map((label) => ({
            tenantId: label.startsWith('a') ? tenantA : tenantB,
            topic: 'order.topic',
            payload: { label },
          })),
        ),
      );
      dispatcher.poke();
      await waitFor(() => ordered.length === 5 && other.length === labels.length);
      // Tenant B flowed past A's poison event; A's a3 came only after a2 was parked.
      expect(ordered.filter((label) => label.startsWith('b'))).toEqual(['b1', 'b2', 'b3']);
      expect(ordered.filter((label) => label.startsWith('a'))).toEqual(['a1', 'a3']);
      expect(other).toEqual(labels);
      // A handler's success is recorded just after it returns: wait for the last deletes.
      await waitFor(async () => (await pendingDeliveries('ordered')).length === 1);
      const [parked] = await pendingDeliveries('ordered');
      expect(parked).toMatchObject({ status: 'parked', attempts: 3, lastError: 'Error: a2 is poison' });
      expect(log.entries.filter((entry) => entry.level === 'error')).toHaveLength(1);

      // An operator can put it back in line.
      expect(await retryParkedOutbox(db, 'ordered')).toBe(1);
      dispatcher.poke();
      await waitFor(async () => (await pendingDeliveries('ordered')).every((row) => row.status === 'parked'));
    } finally {
      await dispatcher.stop();
    }
  });

  it('loses nothing when two dispatchers (two processes) serve the same subscriber', async () => {
    const deliveries: string[] = [];
    const handler = async (event: OutboxEvent) => {
      await sleep(Math.random() * 2);
      deliveries.push(event.id);
    };
    const first = createDispatcher({ batchSize: 7 });
    const second = createDispatcher({ batchSize: 7 });
    first.dispatcher.subscribe('shared', ['shared.topic'], handler);
    second.dispatcher.subscribe('shared', ['shared.topic'], handler);
    await Promise.all([first.dispatcher.start(), second.dispatcher.start()]);
    try {
      const ids: string[] = [];
      for (let round = 0; round < 10; round++) {
        const batch = await db.transaction().execute((trx) =>
          enqueueOutboxMany(
            trx,
            Array.from({ length: 6 }, (_, i) => ({
              tenantId: i % 2 ? tenantA : tenantB,
              topic: 'shared.topic',
              payload: { round, i },
            })),
          ),
        );
        ids.push(...batch);
        (round % 2 ? first : second).dispatcher.poke();
      }
      await waitFor(() => new Set(deliveries).size === ids.length);
      await waitFor(async () => (await pendingDeliveries('shared')).length === 0);
      expect(new Set(deliveries)).toEqual(new Set(ids));
      // At least once may repeat after a lost lease; with both healthy, the lease keeps it to once.
      expect(deliveries).toHaveLength(ids.length);
    } finally {
      await Promise.all([first.dispatcher.stop(), second.dispatcher.stop()]);
    }
  });

  it('takes over a subscriber whose dispatcher stopped, without waiting for its lease to run out', async () => {
    const seen: string[] = [];
    const first = createDispatcher({ leaseMs: 600_000 });
    first.dispatcher.subscribe(
      'handover',
      ['handover.topic'],
      async (event) => void seen.push(`1:${event.id}`),
    );
    await first.dispatcher.start();
    await waitFor(async () => {
      const row = await db
        .selectFrom('outboxSubscriber')
        .select('leaseOwner')
        .where('name', '=', 'handover')
        .executeTakeFirst();
      return row?.leaseOwner != null;
    });
    await first.dispatcher.stop();
    const second = createDispatcher({ leaseMs: 600_000 });
    second.dispatcher.subscribe(
      'handover',
      ['handover.topic'],
      async (event) => void seen.push(`2:${event.id}`),
    );
    await second.dispatcher.start();
    try {
      const id = await db
        .transaction()
        .execute((trx) => enqueueOutbox(trx, { tenantId: tenantA, topic: 'handover.topic', payload: null }));
      second.dispatcher.poke();
      await waitFor(() => seen.length === 1);
      expect(seen).toEqual([`2:${id}`]);
    } finally {
      await second.dispatcher.stop();
    }
  });

  it('stop() waits for the handler in flight', async () => {
    const started = deferred();
    const release = deferred();
    let finished = false;
    const { dispatcher } = createDispatcher();
    dispatcher.subscribe('slow', ['slow.topic'], async () => {
      started.resolve();
      await release.promise;
      finished = true;
    });
    await dispatcher.start();
    await db
      .transaction()
      .execute((trx) => enqueueOutbox(trx, { tenantId: tenantA, topic: 'slow.topic', payload: {} }));
    dispatcher.poke();
    await started.promise;
    let stopped = false;
    const stopping = dispatcher.stop().then(() => (stopped = true));
    await sleep(30);
    expect(stopped).toBe(false);
    release.resolve();
    await stopping;
    expect(finished).toBe(true);
    // The delivery it finished was recorded before stop() returned.
    expect(await pendingDeliveries('slow')).toHaveLength(0);
  });

  it.skipIf(!onPostgres)(
    'delivers an event whose transaction commits after a later event was delivered',
    async () => {
      // UUIDv7 ids are taken before commit: a long transaction commits an id older than events already
      // delivered. A cursor on id would skip it; per-event delivery rows cannot.
      const received: string[] = [];
      const { dispatcher } = createDispatcher();
      dispatcher.subscribe('late', ['late.topic'], async (event) => {
        received.push((event.payload as { label: string }).label);
      });
      await dispatcher.start();
      try {
        const enqueued = deferred();
        const commit = deferred();
        const slow = db.transaction().execute(async (trx) => {
          await enqueueOutbox(trx, {
            tenantId: tenantA,
            topic: 'late.topic',
            payload: { label: 'early id' },
          });
          enqueued.resolve();
          await commit.promise;
        });
        await enqueued.promise;
        await db
          .transaction()
          .execute((trx) =>
            enqueueOutbox(trx, { tenantId: tenantA, topic: 'late.topic', payload: { label: 'later id' } }),
          );
        dispatcher.poke();
        await waitFor(() => received.length === 1);
        commit.resolve();
        await slow;
        dispatcher.poke();
        await waitFor(() => received.length === 2);
        expect(received).toEqual(['later id', 'early id']);
      } finally {
        await dispatcher.stop();
      }
    },
  );

  it('owes nothing to a subscriber for another topic, and prunes delivered events', async () => {
    const { dispatcher } = createDispatcher();
    dispatcher.subscribe('prune', ['prune.topic'], async () => {});
    await dispatcher.start();
    try {
      await db.transaction().execute((trx) =>
        enqueueOutboxMany(trx, [
          { tenantId: tenantA, topic: 'prune.topic', payload: 1 },
          { tenantId: tenantA, topic: 'unsubscribed.topic', payload: 2 },
        ]),
      );
      dispatcher.poke();
      await waitFor(async () => (await pendingDeliveries('prune')).length === 0);
      const future = new Date(Date.now() + 60_000);
      const before = await db
        .selectFrom('outboxEvent')
        .select('id')
        .where('topic', 'in', ['prune.topic', 'unsubscribed.topic'])
        .execute();
      expect(before).toHaveLength(2);
      await pruneOutbox(db, future);
      const after = await db
        .selectFrom('outboxEvent')
        .select('id')
        .where('topic', 'in', ['prune.topic', 'unsubscribed.topic'])
        .execute();
      expect(after).toHaveLength(0);
      // Events still owed to someone (the parked a2 above, for one) survive pruning.
      const owed = await db.selectFrom('outboxDelivery').select('eventId').execute();
      const kept = await db.selectFrom('outboxEvent').select('id').execute();
      expect(owed.every((row) => kept.some((event) => event.id === row.eventId))).toBe(true);
    } finally {
      await dispatcher.stop();
    }
  });
});
