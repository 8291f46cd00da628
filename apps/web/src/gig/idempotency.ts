/**
 * Idempotency keys for POSTs that create or pay. One submission gets one key; retrying the same
 * submission (after a timeout or a 503 from the bank) sends the same key, so the server does the work
 * once. Changing what is submitted starts a new submission with a new key.
 */

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A random v4 UUID; `crypto.randomUUID` needs a secure context, `getRandomValues` does not. */
export function newIdempotencyKey(source: Pick<Crypto, 'getRandomValues'> = globalThis.crypto): string {
  const bytes = source.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const text = hex(bytes);
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}

/** Stable text of a JSON body, with object keys sorted, to tell "the same submission" apart. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Remembers the key of the submission in flight (or last failed). `keyFor(body)` gives the same key for
 * the same body until `settle()` (after a success, or an answer that retrying cannot change).
 */
export class SubmissionKeys {
  #pending: { key: string; body: string } | null = null;
  readonly #make: () => string;

  constructor(make: () => string = () => newIdempotencyKey()) {
    this.#make = make;
  }

  keyFor(body: unknown): string {
    const text = canonicalJson(body);
    if (this.#pending && this.#pending.body === text) return this.#pending.key;
    this.#pending = { key: this.#make(), body: text };
    return this.#pending.key;
  }

  settle(): void {
    this.#pending = null;
  }

  get pendingKey(): string | null {
    return this.#pending?.key ?? null;
  }
}
