import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

/** A new UUIDv7: time-ordered, so primary-key inserts stay append-mostly in the B-tree. */
export function newId(): string {
  return uuidv7();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a text is a UUID (any version): one that is not names no row and must not reach a `uuid` cast. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Namespace of Jiedao's derived ids (UUIDv5). */
const DERIVED_NAMESPACE = '5b0f3c52-7a1e-4e4b-9d0a-8f3c2b6e1d47';

/**
 * A stable id derived from a name (UUIDv5): the same name always gives the same id, so a retried
 * write (a top-up with the same Idempotency-Key, a hold for the same hire and shift) finds its row
 * instead of making a second one.
 */
export function derivedId(name: string): string {
  return uuidv5(name, DERIVED_NAMESPACE);
}
