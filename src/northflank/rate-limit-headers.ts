import { headerValue } from './upstream-errors.js';

/** Northflank's rate-limit headers, sent on every response; absent ones are undefined. */
export interface RateLimitHeaders {
  limit: number | undefined;
  remaining: number | undefined;
  /** Seconds until the window resets. */
  resetSeconds: number | undefined;
}

export function readRateLimitHeaders(
  headers: Record<string, string | string[] | undefined>,
): RateLimitHeaders {
  return {
    limit: readCount(headers['x-ratelimit-limit']),
    remaining: readCount(headers['x-ratelimit-remaining']),
    resetSeconds: readCount(headers['x-ratelimit-reset']),
  };
}

function readCount(value: string | string[] | undefined): number | undefined {
  const text = headerValue(value);
  if (text === undefined || !/^\s*\d{1,12}\s*$/.test(text)) return undefined;
  return Number.parseInt(text, 10);
}
