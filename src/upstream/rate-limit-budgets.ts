import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger.js';
import type { RateLimitHeaders } from '../northflank/rate-limit-headers.js';

interface Budget {
  remaining: number;
  resetAt: number;
  warned: boolean;
}

/**
 * The last rate-limit budget Northflank reported for each credential, so the gateway can spend
 * fewer calls on running builds when a credential is close to its hourly limit.
 */
export class RateLimitBudgets {
  private readonly budgets: LRUCache<string, Budget>;

  constructor(
    private readonly reserve: number,
    private readonly logger: Logger,
    maxCredentials = 10_000,
  ) {
    this.budgets = new LRUCache({ max: maxCredentials });
  }

  /**
   * Stores the budget from a response's headers. The warning is logged once per window: the flag
   * stays set while the budget is low and clears when a new window restores it.
   */
  record(credentialHash: string, headers: RateLimitHeaders): void {
    if (headers.remaining === undefined) return;

    const low = headers.remaining <= this.reserve;
    const alreadyWarned = low && (this.budgets.get(credentialHash)?.warned ?? false);
    const resetAt = Date.now() + (headers.resetSeconds ?? 0) * 1000;
    this.budgets.set(credentialHash, { remaining: headers.remaining, resetAt, warned: low });

    if (low && !alreadyWarned) {
      this.logger.warn(
        {
          credential: credentialHash.slice(0, 8),
          remaining: headers.remaining,
          resetSeconds: headers.resetSeconds,
        },
        'Northflank rate-limit budget is low: running builds are served from cache for longer',
      );
    }
  }

  /** True while the credential's last known budget is at or below the reserve. */
  isLow(credentialHash: string): boolean {
    const budget = this.budgets.get(credentialHash);
    if (budget === undefined || Date.now() >= budget.resetAt) return false;
    return budget.remaining <= this.reserve;
  }
}
