import { describe, expect, it } from 'vitest';
import { describeWeakPassword, hashPassword, isPasswordCorrect } from './passwords.js';

describe('passwords', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('Jiedao@2026');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await isPasswordCorrect(hash, 'Jiedao@2026')).toBe(true);
    expect(await isPasswordCorrect(hash, 'jiedao@2026')).toBe(false);
    expect(await isPasswordCorrect('not-a-hash', 'Jiedao@2026')).toBe(false);
  });

  it('rejects short or one-class passwords', () => {
    expect(describeWeakPassword('Ab1!')).toMatch(/10 characters/);
    expect(describeWeakPassword('abcdefghijkl')).toMatch(/two/);
    expect(describeWeakPassword('abcdefghij1')).toBeUndefined();
  });
});
