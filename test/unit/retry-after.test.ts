import { describe, expect, it } from 'vitest';
import { readRetryAfterSeconds } from '../../src/northflank/retry-after.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('readRetryAfterSeconds', () => {
  it('reads delay-seconds', () => {
    expect(readRetryAfterSeconds('120', undefined, NOW)).toBe(120);
  });

  it('reads an HTTP date relative to now', () => {
    expect(readRetryAfterSeconds('Thu, 01 Jan 2026 00:00:30 GMT', undefined, NOW)).toBe(30);
  });

  it('returns 0 for an HTTP date in the past', () => {
    expect(readRetryAfterSeconds('Wed, 31 Dec 2025 23:00:00 GMT', undefined, NOW)).toBe(0);
  });

  it('falls back to x-ratelimit-reset without Retry-After', () => {
    expect(readRetryAfterSeconds(undefined, '900', NOW)).toBe(900);
  });

  it('falls back to x-ratelimit-reset when Retry-After is unreadable', () => {
    expect(readRetryAfterSeconds('soon', '42', NOW)).toBe(42);
  });

  it.each(['-5', '1.5', 'soon'])('does not read %j as a date', (value) => {
    expect(readRetryAfterSeconds(value, '42', NOW)).toBe(42);
  });

  it('returns undefined when neither header is readable', () => {
    expect(readRetryAfterSeconds(undefined, 'later', NOW)).toBeUndefined();
  });
});
