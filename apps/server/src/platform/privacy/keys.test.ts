import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DATA_KEY_FILE, deriveKeys, loadDataKey, parseDataKey } from './keys.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'jiedao-keys-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const HEX_KEY = 'a1'.repeat(32);

describe('loadDataKey with a configured key', () => {
  it('accepts 64 hex characters', () => {
    const warn = vi.fn<(msg: string) => void>();
    const key = loadDataKey({ dataKey: HEX_KEY, dataDir: dir, warn });
    expect(key.equals(Buffer.from(HEX_KEY, 'hex'))).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('accepts base64 of 32 bytes, padded or not', () => {
    const raw = Buffer.alloc(32, 7);
    const warn = vi.fn<(msg: string) => void>();
    expect(loadDataKey({ dataKey: raw.toString('base64'), dataDir: dir, warn }).equals(raw)).toBe(true);
    expect(loadDataKey({ dataKey: raw.toString('base64url'), dataDir: dir, warn }).equals(raw)).toBe(true);
  });

  it('does not touch the data directory', () => {
    const nested = path.join(dir, 'never-created');
    loadDataKey({ dataKey: HEX_KEY, dataDir: nested, warn: () => undefined });
    expect(() => statSync(nested)).toThrow();
  });

  it.each([
    ['too short hex', 'ab'.repeat(16)],
    ['63 hex characters', 'a'.repeat(63)],
    ['base64 of 16 bytes', Buffer.alloc(16).toString('base64')],
    ['base64 of 33 bytes', Buffer.alloc(33).toString('base64')],
    ['non-key characters', 'not a key!'],
  ])('rejects %s with a clear error', (_label, dataKey) => {
    expect(() => loadDataKey({ dataKey, dataDir: dir, warn: () => undefined })).toThrow(
      /JIEDAO_DATA_KEY must be 32 bytes/,
    );
  });
});

describe('loadDataKey without a configured key', () => {
  it('generates the key file once with mode 0600 and reuses it', () => {
    const dataDir = path.join(dir, 'nested', 'data');
    const warn = vi.fn<(msg: string) => void>();

    const first = loadDataKey({ dataDir, warn });
    expect(first).toHaveLength(32);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/Generated a new data key/);
    expect(warn.mock.calls[0]?.[0]).toMatch(/JIEDAO_DATA_KEY/);
    expect(warn.mock.calls[0]?.[0]).toMatch(/back the key up/);

    const file = path.join(dataDir, DATA_KEY_FILE);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.toString('hex'));
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = loadDataKey({ dataDir, warn });
    expect(second.equals(first)).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('treats an empty configured key as unset', () => {
    const warn = vi.fn<(msg: string) => void>();
    expect(loadDataKey({ dataKey: '', dataDir: dir, warn })).toHaveLength(32);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('refuses a corrupt key file instead of replacing it', () => {
    const file = path.join(dir, DATA_KEY_FILE);
    writeFileSync(file, 'garbage', { mode: 0o600 });
    expect(() => loadDataKey({ dataDir: dir, warn: () => undefined })).toThrow(/Data key file/);
    expect(readFileSync(file, 'utf8')).toBe('garbage');
  });

  it.skipIf(process.platform === 'win32')('warns when an existing key file is readable by others', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, DATA_KEY_FILE), HEX_KEY, { mode: 0o644 });
    const warn = vi.fn<(msg: string) => void>();
    expect(loadDataKey({ dataDir: dir, warn }).toString('hex')).toBe(HEX_KEY);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/chmod 600/));
  });
});

describe('deriveKeys', () => {
  it('derives distinct, deterministic 32-byte sub-keys', () => {
    const master = parseDataKey(HEX_KEY);
    const a = deriveKeys(master);
    const b = deriveKeys(master);
    expect(a.encryption).toHaveLength(32);
    expect(a.blindIndex).toHaveLength(32);
    expect(a.encryption.equals(a.blindIndex)).toBe(false);
    expect(a.encryption.equals(master)).toBe(false);
    expect(a.encryption.equals(b.encryption)).toBe(true);
    expect(a.blindIndex.equals(b.blindIndex)).toBe(true);
  });

  it('rejects a master key of the wrong length', () => {
    expect(() => deriveKeys(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
