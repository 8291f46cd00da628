import type { Actor } from '../../platform/auth/actor.js';

interface Entry {
  actor: Actor;
  tokenHash: string;
  expiresAt: number;
}

/**
 * A short-lived in-process cache of resolved sessions: the lookup otherwise costs a database round
 * trip on every authenticated request. Logout and password change evict here at once; another
 * replica may honour a revoked session for at most `ttlMs` (ADR 0003).
 */
export class SessionCache {
  readonly #byTokenHash = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  get(tokenHash: string, now = Date.now()): Actor | undefined {
    const entry = this.#byTokenHash.get(tokenHash);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.#byTokenHash.delete(tokenHash);
      return undefined;
    }
    return entry.actor;
  }

  set(tokenHash: string, actor: Actor, sessionExpiresAt: Date, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (this.#byTokenHash.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.#byTokenHash.keys().next();
      if (!oldest.done) this.#byTokenHash.delete(oldest.value);
    }
    this.#byTokenHash.set(tokenHash, {
      actor,
      tokenHash,
      expiresAt: Math.min(now + this.ttlMs, sessionExpiresAt.getTime()),
    });
  }

  /** Forgets sessions matching the predicate (a logged-out session, an account's other sessions). */
  evict(predicate: (actor: Actor) => boolean): void {
    for (const [key, entry] of this.#byTokenHash) if (predicate(entry.actor)) this.#byTokenHash.delete(key);
  }

  get size(): number {
    return this.#byTokenHash.size;
  }
}
