import { randomBytes, hkdfSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Length in bytes of the master data key and of every derived sub-key (AES-256 / HMAC-SHA256). */
export const DATA_KEY_BYTES = 32;

/** File name of the generated key inside the data directory. */
export const DATA_KEY_FILE = 'data.key';

/** Options for {@link loadDataKey}. */
export interface LoadDataKeyOptions {
  /** Configured key (JIEDAO_DATA_KEY): 64 hex characters or base64 of 32 bytes. Takes precedence over the file. */
  dataKey?: string | undefined;
  /** Directory holding `data.key` when no key is configured. */
  dataDir: string;
  /** Receives operator-facing warnings (key generated, key file readable by others). */
  warn: (msg: string) => void;
}

/** Sub-keys derived from the master key; each use gets its own so one leaking or being misused does not expose the other. */
export interface DerivedKeys {
  /** AES-256-GCM key for reversible PII encryption. */
  encryption: Buffer;
  /** HMAC-SHA256 key for blind indexes (equality search over encrypted values). */
  blindIndex: Buffer;
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
// Standard and URL-safe alphabets, padding optional: operators paste keys from `openssl rand -base64 32` or similar.
const BASE64_KEY = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Decodes a configured key (hex or base64) and insists on exactly 32 bytes.
 * Buffer.from(…, 'base64') silently skips invalid characters, so the alphabet is checked first.
 */
export function parseDataKey(value: string, source = 'JIEDAO_DATA_KEY'): Buffer {
  const trimmed = value.trim();
  if (HEX_KEY.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (BASE64_KEY.test(trimmed)) {
    const decoded = Buffer.from(trimmed, 'base64');
    if (decoded.length === DATA_KEY_BYTES) return decoded;
    throw new Error(
      `${source} must be 32 bytes (64 hex characters or base64); its base64 decodes to ${decoded.length} bytes. ` +
        'Generate one with: openssl rand -hex 32',
    );
  }
  throw new Error(
    `${source} must be 32 bytes encoded as 64 hex characters or base64. Generate one with: openssl rand -hex 32`,
  );
}

function isErrnoCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

function readKeyFile(file: string, warn: (msg: string) => void): Buffer | undefined {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  // A corrupt key file must stop the server: silently replacing it would make all stored PII undecryptable.
  const key = parseDataKey(content, `Data key file ${file}`);
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    warn(`Data key file ${file} is readable by other users; restrict it with: chmod 600 ${file}`);
  }
  return key;
}

/**
 * Returns the 32-byte master key for PII encryption.
 *
 * Uses `dataKey` when configured (throws if it is not 32 bytes of hex/base64). Otherwise reads
 * `<dataDir>/data.key`, generating it (mode 0600) on first start and warning that production must
 * set JIEDAO_DATA_KEY and back the key up — losing it makes every encrypted value unrecoverable.
 */
export function loadDataKey(options: LoadDataKeyOptions): Buffer {
  const { dataKey, dataDir, warn } = options;
  if (dataKey !== undefined && dataKey !== '') return parseDataKey(dataKey);

  const file = path.join(dataDir, DATA_KEY_FILE);
  const existing = readKeyFile(file, warn);
  if (existing) return existing;

  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(DATA_KEY_BYTES);
  try {
    // 'wx' fails if another process created the file meanwhile; we then use theirs so both agree on one key.
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (isErrnoCode(error, 'EEXIST')) {
      const raced = readKeyFile(file, warn);
      if (raced) return raced;
    }
    throw error;
  }
  warn(
    `Generated a new data key at ${file}. This is fine for development; production must set JIEDAO_DATA_KEY ` +
      'and back the key up — without it, encrypted personal data cannot be decrypted.',
  );
  return key;
}

// Distinct HKDF info strings give independent keys from one master; the version suffix allows rotation later.
const ENCRYPTION_INFO = 'jiedao/pii/aes-256-gcm/v1';
const BLIND_INDEX_INFO = 'jiedao/pii/blind-index-hmac-sha256/v1';

/** Derives the encryption and blind-index sub-keys from the master key with HKDF-SHA256. */
export function deriveKeys(master: Buffer): DerivedKeys {
  if (master.length !== DATA_KEY_BYTES) {
    throw new Error(`Master data key must be ${DATA_KEY_BYTES} bytes, got ${master.length}`);
  }
  // The master key is already uniformly random, so an empty salt is acceptable (RFC 5869 §3.1).
  const derive = (info: string): Buffer =>
    Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, DATA_KEY_BYTES));
  return { encryption: derive(ENCRYPTION_INFO), blindIndex: derive(BLIND_INDEX_INFO) };
}
