import { describe, expect, it } from 'vitest';
import type { Actor } from '../../platform/auth/actor.js';
import { SessionCache } from './session-cache.js';

const actor = (sessionId: string, accountId = 'a1'): Actor => ({
  tenantId: 't',
  accountId,
  personId: 'p',
  sessionId,
  roles: [],
});

describe('SessionCache', () => {
  it('serves an entry until its time to live or the session’s expiry, whichever is first', () => {
    const cache = new SessionCache(5_000);
    cache.set('h1', actor('s1'), new Date(10_000), 0);
    cache.set('h2', actor('s2'), new Date(2_000), 0);
    expect(cache.get('h1', 4_999)?.sessionId).toBe('s1');
    expect(cache.get('h1', 5_000)).toBeUndefined();
    expect(cache.get('h2', 1_999)?.sessionId).toBe('s2');
    expect(cache.get('h2', 2_000)).toBeUndefined();
  });

  it('evicts by predicate and caps its size, dropping the oldest', () => {
    const cache = new SessionCache(60_000, 2);
    cache.set('h1', actor('s1', 'a1'), new Date(1e12), 0);
    cache.set('h2', actor('s2', 'a2'), new Date(1e12), 0);
    cache.set('h3', actor('s3', 'a2'), new Date(1e12), 0);
    expect(cache.get('h1', 1)).toBeUndefined();
    expect(cache.size).toBe(2);
    cache.evict((a) => a.accountId === 'a2' && a.sessionId !== 's3');
    expect(cache.get('h2', 1)).toBeUndefined();
    expect(cache.get('h3', 1)?.sessionId).toBe('s3');
  });

  it('caches nothing when disabled', () => {
    const cache = new SessionCache(0);
    cache.set('h1', actor('s1'), new Date(1e12), 0);
    expect(cache.get('h1', 0)).toBeUndefined();
  });
});
