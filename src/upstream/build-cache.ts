import { LRUCache } from 'lru-cache';
import type { Build } from '../northflank/build.js';

/** How long each kind of result is served from memory; a TTL of 0 turns that cache off. */
export interface BuildCacheOptions {
  /** Builds with `concluded === true`. @default 300000 */
  concludedTtlMs: number;
  /** Builds still running. @default 1000 */
  runningTtlMs: number;
  /** Running builds while the credential's rate-limit budget is low. @default 10000 */
  lowBudgetRunningTtlMs: number;
  /** NOT_FOUND results, so unknown ids cannot burn the rate limit. @default 30000 */
  notFoundTtlMs: number;
  /** @default 10000 */
  maxEntries: number;
}

export type CachedResult =
  | { kind: 'build'; build: Build; storedAt: number }
  | { kind: 'not-found'; message: string; storedAt: number };

/**
 * Bounded LRU of upstream results, keyed by credential hash and path so one token's results are
 * never served to another. Entries expire lazily on read: the cache starts no timers.
 */
export class BuildCache {
  private readonly entries: LRUCache<string, CachedResult> | undefined;

  constructor(private readonly options: BuildCacheOptions) {
    const anyTtl =
      options.concludedTtlMs > 0 ||
      options.runningTtlMs > 0 ||
      options.lowBudgetRunningTtlMs > 0 ||
      options.notFoundTtlMs > 0;
    this.entries =
      options.maxEntries > 0 && anyTtl ? new LRUCache({ max: options.maxEntries }) : undefined;
  }

  /** Returns a result still fresh for the caller; `budgetLow` stretches the running-build TTL. */
  get(key: string, budgetLow: boolean): CachedResult | undefined {
    const entry = this.entries?.get(key);
    if (entry === undefined) return undefined;

    const age = Date.now() - entry.storedAt;
    if (age < this.ttlOf(entry, budgetLow)) return entry;
    return undefined;
  }

  storeBuild(key: string, build: Build): void {
    this.store(key, { kind: 'build', build, storedAt: Date.now() });
  }

  storeNotFound(key: string, message: string): void {
    this.store(key, { kind: 'not-found', message, storedAt: Date.now() });
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  private store(key: string, entry: CachedResult): void {
    // Kept as long as the longest TTL that could apply, so a running build can still be served
    // when the budget turns low after it was stored.
    const ttl = Math.max(this.ttlOf(entry, false), this.ttlOf(entry, true));
    if (ttl > 0) this.entries?.set(key, entry, { ttl });
  }

  private ttlOf(entry: CachedResult, budgetLow: boolean): number {
    if (entry.kind === 'not-found') return this.options.notFoundTtlMs;
    if (entry.build.concluded === true) return this.options.concludedTtlMs;
    if (budgetLow) return Math.max(this.options.runningTtlMs, this.options.lowBudgetRunningTtlMs);
    return this.options.runningTtlMs;
  }
}
