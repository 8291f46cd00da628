import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { deriveKeys } from './keys.js';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
// 96-bit IVs are GCM's native size; random IVs are safe for far more messages than a subdistrict will store per key.
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** IVs are drawn from the CSPRNG this many at a time: one system call per 256 encryptions instead of one each. */
const IV_POOL_SIZE = 256;

/** Why a token could not be decrypted. */
export type PiiDecryptionFailure = 'format' | 'authentication';

/**
 * Thrown by {@link PiiCipher.decrypt}. `reason` is `format` for malformed tokens and `authentication`
 * when the GCM tag does not verify — tampering, a wrong context and a wrong key are indistinguishable by design.
 */
export class PiiDecryptionError extends Error {
  override readonly name = 'PiiDecryptionError';
  readonly reason: PiiDecryptionFailure;

  constructor(reason: PiiDecryptionFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

function decodeSegment(segment: string, label: string): Buffer {
  // Node's base64url decoder ignores stray characters, which would let altered tokens decode; reject them instead.
  if (!BASE64URL.test(segment)) throw new PiiDecryptionError('format', `PII token ${label} is not base64url`);
  return Buffer.from(segment, 'base64url');
}

function assertContext(context: string): void {
  // An empty context would silently drop the binding between a value and the column it belongs to.
  if (context === '') throw new TypeError('PII encryption context must not be empty');
}

/**
 * Encrypts personal data at rest and computes blind indexes for searching it.
 *
 * Tokens look like `v1.<iv>.<tag>.<ciphertext>` (base64url). The context (e.g. `person.id_number`) is
 * bound as AAD so a ciphertext copied into another column fails to decrypt.
 */
export class PiiCipher {
  readonly #encryptionKey: Buffer;
  readonly #blindIndexKey: Buffer;
  #ivPool = Buffer.alloc(0);
  #ivOffset = 0;
  readonly #aad = new Map<string, Buffer>();

  /** @param masterKey the 32-byte key from {@link loadDataKey}; sub-keys are derived from it. */
  constructor(masterKey: Buffer) {
    const keys = deriveKeys(masterKey);
    this.#encryptionKey = keys.encryption;
    this.#blindIndexKey = keys.blindIndex;
  }

  /** Encrypts `plaintext` with AES-256-GCM under a fresh IV, binding `context` as additional authenticated data. */
  encrypt(plaintext: string, context: string): string {
    assertContext(context);
    const iv = this.#nextIv();
    const cipher = createCipheriv(ALGORITHM, this.#encryptionKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.#contextBytes(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv, tag, ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** A fresh random IV, each used once: a slice of a pooled CSPRNG draw (the pool is never reused). */
  #nextIv(): Buffer {
    if (this.#ivOffset + IV_BYTES > this.#ivPool.length) {
      this.#ivPool = randomBytes(IV_BYTES * IV_POOL_SIZE);
      this.#ivOffset = 0;
    }
    const iv = this.#ivPool.subarray(this.#ivOffset, this.#ivOffset + IV_BYTES);
    this.#ivOffset += IV_BYTES;
    return iv;
  }

  /** The context's UTF-8 bytes; a handful of column names, so kept. */
  #contextBytes(context: string): Buffer {
    let bytes = this.#aad.get(context);
    if (!bytes) {
      bytes = Buffer.from(context, 'utf8');
      if (this.#aad.size < 1000) this.#aad.set(context, bytes);
    }
    return bytes;
  }

  /**
   * Decrypts a token produced by {@link encrypt} with the same context.
   * @throws PiiDecryptionError on a malformed token, tampering, a wrong context or a wrong key.
   */
  decrypt(token: string, context: string): string {
    assertContext(context);
    const parts = token.split('.');
    if (parts.length !== 4)
      throw new PiiDecryptionError('format', 'PII token must have 4 dot-separated parts');
    const [version, ivText, tagText, ciphertextText] = parts as [string, string, string, string];
    if (version !== VERSION)
      throw new PiiDecryptionError('format', `Unsupported PII token version "${version}"`);
    const iv = decodeSegment(ivText, 'IV');
    const tag = decodeSegment(tagText, 'tag');
    const ciphertext = decodeSegment(ciphertextText, 'ciphertext');
    if (iv.length !== IV_BYTES)
      throw new PiiDecryptionError('format', `PII token IV must be ${IV_BYTES} bytes`);
    // Checking the length matters: GCM would otherwise accept a truncated tag, weakening authentication.
    if (tag.length !== TAG_BYTES)
      throw new PiiDecryptionError('format', `PII token tag must be ${TAG_BYTES} bytes`);

    const decipher = createDecipheriv(ALGORITHM, this.#encryptionKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(this.#contextBytes(context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new PiiDecryptionError(
        'authentication',
        `PII token failed authentication for context "${context}" (tampered, wrong context or wrong key)`,
      );
    }
  }

  /**
   * Deterministic keyed hash for equality lookups on encrypted columns: HMAC-SHA256 over
   * `kind + '\0' + value`, hex. `kind` (e.g. `phone`) separates domains so equal strings of different
   * kinds do not collide. Normalise `value` first ({@link normalizePhone}, {@link normalizeIdNumber}).
   */
  blindIndex(kind: string, value: string): string {
    // A NUL inside kind would make ('a\0b', 'c') and ('a', 'b\0c') hash identically.
    if (kind === '' || kind.includes('\0'))
      throw new TypeError('Blind index kind must be non-empty and contain no NUL');
    return createHmac('sha256', this.#blindIndexKey).update(`${kind}\0${value}`, 'utf8').digest('hex');
  }
}

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/**
 * Normalises a phone number for storage and blind indexing: strips whitespace and dashes, drops a
 * +86 / 0086 country prefix and returns the 11-digit mainland mobile number, or undefined if it is not one.
 */
export function normalizePhone(raw: string): string | undefined {
  let digits = raw.replace(/[\s-]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  return MAINLAND_MOBILE.test(digits) ? digits : undefined;
}

/** Normalises a resident ID number: trims and upper-cases a trailing `x` check digit. Does not validate. */
export function normalizeIdNumber(raw: string): string {
  return raw.trim().toUpperCase();
}
