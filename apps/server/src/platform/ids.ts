import { v7 as uuidv7 } from 'uuid';

/** A new UUIDv7: time-ordered, so primary-key inserts stay append-mostly in the B-tree. */
export function newId(): string {
  return uuidv7();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a text is a UUID (any version): one that is not names no row and must not reach a `uuid` cast. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
