import { v7 as uuidv7 } from 'uuid';

/** A new UUIDv7: time-ordered, so primary-key inserts stay append-mostly in the B-tree. */
export function newId(): string {
  return uuidv7();
}
