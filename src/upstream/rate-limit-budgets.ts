import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger.js';
import type { RateLimitHeaders } from '../northflank/rate-limit-headers.js';

interface Budget {
  remaining: number;
  resetAt: number;
  warned: boolean;
}

/**
 * Reset times read within one window differ only by rounding to whole seconds and by latency. A
 * new window's reset time lies a whole window later, which is an hour at Northflank.
 */
const SAME_WINDOW_SLACK_MS = 60_000;

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
   * stays set while the budget is low, and clears when a new window restores the budget or when
   * the reset time shows that a new window has begun.
   */
  record(credentialHash: string, headers: RateLimitHeaders): void {
    if (headers.remaining === undefined) return;

    const now = Date.now();
    const low = headers.remaining <= this.reserve;
    const resetAt = now + (headers.resetSeconds ?? 0) * 1000;
    const previous = this.budgets.get(credentialHash);
    const alreadyWarned =
      low &&
      previous?.warned === true &&
      !startsNewWindow(previous, headers.resetSeconds, now, resetAt);
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

/**
 * Tells whether a reading belongs to a later window than `previous`. Without a reset time the
 * windows cannot be distinguished, so the reading counts as part of the same window.
 */
function startsNewWindow(
  previous: Budget,
  resetSeconds: number | undefined,
  now: number,
  resetAt: number,
): boolean {
  if (resetSeconds === undefined) return false;
  return now >= previous.resetAt || resetAt > previous.resetAt + SAME_WINDOW_SLACK_MS;
}
