import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database/schema.js';
import { newId } from '../ids.js';

/** An event to record with the producer's writes. */
export interface OutboxMessage {
  tenantId: string;
  /** Dotted name subscribers select on, e.g. `governance.case.assigned`. */
  topic: string;
  /** The entity the event is about, for tracing and per-aggregate handling. */
  aggregateId?: string | null;
  /** Any JSON value; stored as jsonb. */
  payload: unknown;
}

/**
 * Records one event in the producer's transaction, owed to every subscriber registered for its
 * topic. Nothing is delivered unless the transaction commits; after the commit, call
 * `OutboxDispatcher.poke()` so delivery starts in milliseconds rather than at the next poll.
 * Returns the event id (UUIDv7).
 */
export async function enqueueOutbox(trx: Transaction<Database>, message: OutboxMessage): Promise<string> {
  const [id] = await enqueueOutboxMany(trx, [message]);
  return id!;
}

/** Records several events in the producer's transaction, in order; returns their ids. */
export async function enqueueOutboxMany(
  trx: Transaction<Database>,
  messages: readonly OutboxMessage[],
): Promise<string[]> {
  if (messages.length === 0) return [];
  for (const message of messages) assertTopic(message.topic);
  // newId() is monotonic within this process, so the ids keep the order of `messages`.
  const rows = messages.map((message) => ({
    tenantId: message.tenantId,
    id: newId(),
    topic: message.topic,
    aggregateId: message.aggregateId ?? null,
    payload: JSON.stringify(message.payload ?? null),
  }));
  await trx.insertInto('outboxEvent').values(rows).execute();
  // The deliveries are written by the same transaction, so they become visible exactly when the
  // events do: a transaction that commits late is still delivered, one that rolls back leaves nothing.
  await sql`
    insert into outbox_delivery (tenant_id, event_id, subscriber)
    select e.tenant_id, e.id, s.name
    from unnest(${rows.map((row) => row.tenantId)}::uuid[], ${rows.map((row) => row.id)}::uuid[],
                ${rows.map((row) => row.topic)}::text[]) as e (tenant_id, id, topic)
    join outbox_subscriber s on e.topic = any (s.topics)`.execute(trx);
  return rows.map((row) => row.id);
}

/**
 * Puts a subscriber's parked events (all, or the given ids) back in line with a fresh attempt count.
 * Returns how many were requeued. Call `poke()` on a running dispatcher afterwards.
 */
export async function retryParkedOutbox(
  db: Kysely<Database>,
  subscriber: string,
  eventIds?: readonly string[],
): Promise<number> {
  if (eventIds?.length === 0) return 0;
  let query = db
    .updateTable('outboxDelivery')
    .set({ status: 'pending', attempts: 0, nextAttemptAt: null })
    .where('subscriber', '=', subscriber)
    .where('status', '=', 'parked');
  if (eventIds) query = query.where('eventId', 'in', eventIds);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Forgets a subscriber that no longer exists in code, with everything still owed to it. (A
 * registered subscriber keeps receiving deliveries whether or not any process runs its handler.)
 */
export async function removeOutboxSubscriber(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('outboxSubscriber').where('name', '=', name).execute();
}

/** Deletes events created before `olderThan` that no subscriber is still owed; returns the count. */
export async function pruneOutbox(db: Kysely<Database>, olderThan: Date): Promise<number> {
  const result = await db
    .deleteFrom('outboxEvent as e')
    .where('e.createdAt', '<', olderThan)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('outboxDelivery as d')
            .select('d.eventId')
            .whereRef('d.tenantId', '=', 'e.tenantId')
            .whereRef('d.eventId', '=', 'e.id'),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function assertTopic(topic: string): void {
  if (!/^[A-Za-z0-9_.:-]+$/.test(topic)) {
    throw new Error(`Outbox topic "${topic}" must be letters, digits and . _ : - only`);
  }
}
