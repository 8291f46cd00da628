import os from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../database/schema.js';
import { newId } from '../ids.js';
import { assertTopic } from './outbox.js';

/** An event as a subscriber's handler receives it. */
export interface OutboxEvent<Payload = unknown> {
  tenantId: string;
  id: string;
  topic: string;
  aggregateId: string | null;
  payload: Payload;
  createdAt: Date;
  /** 1 on the first attempt to deliver this event to this subscriber. */
  attempt: number;
}

/**
 * Handles one event. Delivery is at least once: after a crash or a lost lease the same event can
 * arrive again, so a handler must be idempotent (upsert, or check what it already did).
 */
export type OutboxHandler<Payload = unknown> = (event: OutboxEvent<Payload>) => Promise<void>;

export interface OutboxDispatcherOptions {
  db: Kysely<Database>;
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  /** Fallback poll for events committed by other processes; default 500 ms. */
  pollIntervalMs?: number;
  /** Deliveries read per query; default 100. */
  batchSize?: number;
  /** Failed attempts after which an event is parked for that subscriber; default 10. */
  maxAttempts?: number;
  /** Wait before the next attempt after `attempts` failures; default 1 s doubling to 5 min. */
  retryDelayMs?: (attempts: number) => number;
  /** How long a dispatcher's claim on a subscriber lasts unless renewed; default 30 s. */
  leaseMs?: number;
  /** This dispatcher's name in leases; default host:pid:uuid. */
  owner?: string;
}

interface Subscription {
  name: string;
  topics: string[];
  handler: OutboxHandler;
  /** Local time (ms) until which this dispatcher holds the subscriber's lease; 0 when it does not. */
  leaseExpiresAt: number;
}

interface PendingDelivery {
  tenantId: string;
  eventId: string;
  attempts: number;
  topic: string;
  aggregateId: string | null;
  payload: unknown;
  createdAt: Date;
}

type Outcome = 'delivered' | 'retry' | 'parked';

const MAX_ERROR_LENGTH = 2000;

export function defaultOutboxRetryDelayMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 5 * 60_000);
}

/**
 * Delivers outbox events to in-process subscribers, at least once, in event order per subscriber
 * and tenant. One dispatcher at a time holds a subscriber (a lease in `outbox_subscriber`), so two
 * processes don't race on the same subscriber; if the holder dies, another takes over when the lease
 * runs out. A failing event is retried with backoff and holds back only the same subscriber's later
 * events of the same tenant; after `maxAttempts` it is parked (and logged) and the line moves on.
 */
export class OutboxDispatcher {
  readonly #db: Kysely<Database>;
  readonly #log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  readonly #pollIntervalMs: number;
  readonly #batchSize: number;
  readonly #maxAttempts: number;
  readonly #retryDelayMs: (attempts: number) => number;
  readonly #leaseMs: number;
  readonly #owner: string;
  readonly #subscriptions = new Map<string, Subscription>();
  #state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  #pollTimer: NodeJS.Timeout | undefined;
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #cycle: Promise<void> | undefined;
  #pokedDuringCycle = false;

  constructor(options: OutboxDispatcherOptions) {
    this.#db = options.db;
    this.#log = options.log;
    this.#pollIntervalMs = options.pollIntervalMs ?? 500;
    this.#batchSize = options.batchSize ?? 100;
    this.#maxAttempts = options.maxAttempts ?? 10;
    this.#retryDelayMs = options.retryDelayMs ?? defaultOutboxRetryDelayMs;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#owner = options.owner ?? `${os.hostname()}:${process.pid}:${newId()}`;
  }

  /**
   * Registers a subscriber before `start()`. The name is durable: deliveries are owed to it from its
   * first registration on, across restarts, so renaming a subscriber starts a new one.
   */
  subscribe<Payload = unknown>(
    name: string,
    topics: readonly string[],
    handler: OutboxHandler<Payload>,
  ): this {
    if (this.#state !== 'new') throw new Error('Subscribe before starting the outbox dispatcher');
    if (!name) throw new Error('An outbox subscriber needs a name');
    if (this.#subscriptions.has(name)) throw new Error(`Outbox subscriber "${name}" is already registered`);
    if (topics.length === 0) throw new Error(`Outbox subscriber "${name}" needs at least one topic`);
    topics.forEach(assertTopic);
    this.#subscriptions.set(name, {
      name,
      topics: [...new Set(topics)].sort(),
      handler: handler as OutboxHandler,
      leaseExpiresAt: 0,
    });
    return this;
  }

  /** Records the subscribers (so producers start owing them events) and begins delivering. */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('The outbox dispatcher was already started');
    for (const subscription of this.#subscriptions.values()) {
      await this.#db
        .insertInto('outboxSubscriber')
        .values({ name: subscription.name, topics: subscription.topics })
        .onConflict((conflict) =>
          conflict.column('name').doUpdateSet({ topics: subscription.topics, updatedAt: sql<Date>`now()` }),
        )
        .execute();
    }
    this.#state = 'running';
    this.#pollTimer = setInterval(() => this.poke(), this.#pollIntervalMs);
    this.#pollTimer.unref();
    this.poke();
  }

  /** Looks for deliveries now; call after committing a transaction that enqueued events. */
  poke(): void {
    if (this.#state !== 'running') return;
    if (this.#cycle) {
      // Picked up by the running cycle's loop: a commit that raced with its query is not missed.
      this.#pokedDuringCycle = true;
      return;
    }
    this.#cycle = (async () => {
      try {
        do {
          this.#pokedDuringCycle = false;
          await Promise.all([...this.#subscriptions.values()].map((s) => this.#drain(s)));
        } while (this.#pokedDuringCycle && this.#state === 'running');
      } finally {
        this.#cycle = undefined;
      }
    })();
  }

  /** Stops polling, waits for the handlers in flight to finish, and hands the leases back. */
  async stop(): Promise<void> {
    if (this.#state === 'new' || this.#state === 'stopped') {
      this.#state = 'stopped';
      return;
    }
    this.#state = 'stopping';
    clearInterval(this.#pollTimer);
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    await this.#cycle;
    // With no subscribers there is nothing to release (and `in ()` is not SQL).
    if (this.#subscriptions.size > 0)
      try {
        // Another process can take over at once instead of waiting for the leases to run out.
        await this.#db
          .updateTable('outboxSubscriber')
          .set({ leaseOwner: null, leaseUntil: null })
          .where('name', 'in', [...this.#subscriptions.keys()])
          .where('leaseOwner', '=', this.#owner)
          .execute();
      } catch (error) {
        this.#log.warn({ err: error }, 'outbox: could not release subscriber leases');
      }
    this.#state = 'stopped';
  }

  /** Delivers what is due to one subscriber, batch after batch, while this dispatcher holds it. */
  async #drain(subscription: Subscription): Promise<void> {
    let renewal: NodeJS.Timeout | undefined;
    try {
      if (!(await this.#holdLease(subscription))) return;
      // A slow handler must not let the lease run out under it, or another process would start on
      // the same subscriber and break its order.
      renewal = setInterval(() => void this.#renewLease(subscription), Math.max(10, this.#leaseMs / 3));
      renewal.unref();
      for (;;) {
        const batch = await this.#readDue(subscription.name);
        const blockedTenants = new Set<string>();
        let progressed = false;
        for (const delivery of batch) {
          if (this.#state !== 'running' || subscription.leaseExpiresAt <= Date.now()) return;
          if (blockedTenants.has(delivery.tenantId)) continue;
          const outcome = await this.#deliver(subscription, delivery);
          if (outcome === 'retry') blockedTenants.add(delivery.tenantId);
          else progressed = true;
        }
        if (!progressed || batch.length < this.#batchSize) return;
      }
    } catch (error) {
      // The database is unreachable, say: the deliveries stay owed and the next poll tries again.
      this.#log.error({ err: error, subscriber: subscription.name }, 'outbox: delivery cycle failed');
    } finally {
      clearInterval(renewal);
    }
  }

  /** The subscriber's deliveries in event order, minus tenants whose oldest one awaits a retry. */
  #readDue(subscriber: string): Promise<PendingDelivery[]> {
    return this.#db
      .selectFrom('outboxDelivery as d')
      .innerJoin('outboxEvent as e', (join) =>
        join.onRef('e.tenantId', '=', 'd.tenantId').onRef('e.id', '=', 'd.eventId'),
      )
      .select([
        'd.tenantId',
        'd.eventId',
        'd.attempts',
        'e.topic',
        'e.aggregateId',
        'e.payload',
        'e.createdAt',
      ])
      .where('d.subscriber', '=', subscriber)
      .where('d.status', '=', 'pending')
      .where('d.tenantId', 'not in', (eb) =>
        eb
          .selectFrom('outboxDelivery as b')
          .select('b.tenantId')
          .where('b.subscriber', '=', subscriber)
          .where('b.status', '=', 'pending')
          .where('b.nextAttemptAt', '>', sql<Date>`now()`),
      )
      .orderBy('d.eventId')
      .limit(this.#batchSize)
      .execute();
  }

  async #deliver(subscription: Subscription, delivery: PendingDelivery): Promise<Outcome> {
    try {
      await subscription.handler({
        tenantId: delivery.tenantId,
        id: delivery.eventId,
        topic: delivery.topic,
        aggregateId: delivery.aggregateId,
        payload: delivery.payload,
        createdAt: delivery.createdAt,
        attempt: delivery.attempts + 1,
      });
    } catch (error) {
      return this.#recordFailure(subscription, delivery, error);
    }
    await this.#db
      .deleteFrom('outboxDelivery')
      .where('tenantId', '=', delivery.tenantId)
      .where('eventId', '=', delivery.eventId)
      .where('subscriber', '=', subscription.name)
      .execute();
    return 'delivered';
  }

  async #recordFailure(
    subscription: Subscription,
    delivery: PendingDelivery,
    error: unknown,
  ): Promise<Outcome> {
    const attempts = delivery.attempts + 1;
    const lastError = describeError(error);
    const context = {
      err: error,
      subscriber: subscription.name,
      tenantId: delivery.tenantId,
      eventId: delivery.eventId,
      topic: delivery.topic,
      attempts,
    };
    const row = this.#db
      .updateTable('outboxDelivery')
      .where('tenantId', '=', delivery.tenantId)
      .where('eventId', '=', delivery.eventId)
      .where('subscriber', '=', subscription.name);
    if (attempts >= this.#maxAttempts) {
      await row.set({ status: 'parked', attempts, lastError, nextAttemptAt: null }).execute();
      this.#log.error(context, `outbox: event parked for ${subscription.name} after ${attempts} attempts`);
      return 'parked';
    }
    const delayMs = Math.max(0, this.#retryDelayMs(attempts));
    await row
      .set({
        attempts,
        lastError,
        nextAttemptAt: sql<Date>`now() + ${delayMs}::float8 * interval '1 millisecond'`,
      })
      .execute();
    this.#log.warn({ ...context, delayMs }, `outbox: ${subscription.name} failed; retrying`);
    this.#wakeAfter(delayMs);
    return 'retry';
  }

  /** Polls again when a retry falls due, rather than up to a poll interval later. */
  #wakeAfter(delayMs: number): void {
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      this.poke();
    }, delayMs + 5);
    timer.unref();
    this.#retryTimers.add(timer);
  }

  async #holdLease(subscription: Subscription): Promise<boolean> {
    if (subscription.leaseExpiresAt - Date.now() > this.#leaseMs / 2) return true;
    return this.#renewLease(subscription);
  }

  /** Takes or extends the lease: free, expired, or already ours. False when another holds it. */
  async #renewLease(subscription: Subscription): Promise<boolean> {
    const requestedAt = Date.now();
    try {
      const row = await this.#db
        .updateTable('outboxSubscriber')
        .set({
          leaseOwner: this.#owner,
          leaseUntil: sql<Date>`now() + ${this.#leaseMs}::float8 * interval '1 millisecond'`,
        })
        .where('name', '=', subscription.name)
        .where((eb) =>
          eb.or([
            eb('leaseOwner', '=', this.#owner),
            eb('leaseUntil', 'is', null),
            eb('leaseUntil', '<', sql<Date>`now()`),
          ]),
        )
        .returning('name')
        .executeTakeFirst();
      // Counted from before the request, so local belief never outlasts the lease in the database.
      subscription.leaseExpiresAt = row ? requestedAt + this.#leaseMs : 0;
    } catch (error) {
      subscription.leaseExpiresAt = 0;
      this.#log.warn({ err: error, subscriber: subscription.name }, 'outbox: could not renew lease');
    }
    return subscription.leaseExpiresAt > 0;
  }
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_LENGTH);
}
