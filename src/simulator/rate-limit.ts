import type { ServerResponse } from 'node:http';

/** Length of a rate-limit window: one hour, in ms. */
export const RATE_LIMIT_WINDOW_MS = 60 * 60 * 1000;

/** Northflank's documented default: 1000 requests per hour per account. */
export const DEFAULT_HOURLY_LIMIT = 1000;

/** The rate-limit state of one token after a request, as the response headers report it. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets, rounded up. */
  resetSeconds: number;
}

interface Window {
  startedAtMs: number;
  count: number;
}

/**
 * Per-token hourly windows. A token's window opens with its first request and a new one opens
 * with the first request after it ends. Rejected requests do not count against the limit.
 */
export class HourlyRateLimiter {
  readonly #limit: number;
  readonly #windows = new Map<string, Window>();

  /** @param limit Requests allowed per token and window; must be a positive integer. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Counts one request by `token` at `nowMs` (Unix time in ms) if the window has room. */
  consume(token: string, nowMs: number): RateLimitDecision {
    const window = this.#currentWindow(token, nowMs);
    const allowed = window.count < this.#limit;
    if (allowed) window.count += 1;

    const endsInMs = window.startedAtMs + RATE_LIMIT_WINDOW_MS - nowMs;
    return {
      allowed,
      limit: this.#limit,
      remaining: this.#limit - window.count,
      resetSeconds: Math.min(RATE_LIMIT_WINDOW_MS / 1000, Math.ceil(endsInMs / 1000)),
    };
  }

  #currentWindow(token: string, nowMs: number): Window {
    const existing = this.#windows.get(token);
    if (existing !== undefined && nowMs < existing.startedAtMs + RATE_LIMIT_WINDOW_MS) {
      return existing;
    }

    const opened = { startedAtMs: nowMs, count: 0 };
    this.#windows.set(token, opened);
    return opened;
  }
}

/** Sets the `x-ratelimit-*` headers that every rate-limited response carries. */
export function setRateLimitHeaders(res: ServerResponse, decision: RateLimitDecision): void {
  res.setHeader('x-ratelimit-limit', String(decision.limit));
  res.setHeader('x-ratelimit-remaining', String(decision.remaining));
  res.setHeader('x-ratelimit-reset', String(decision.resetSeconds));
}

/** Returns the Retry-After value in seconds for a rejected request: at least 1. */
export function retryAfterSeconds(decision: RateLimitDecision): number {
  return Math.max(1, decision.resetSeconds);
}
