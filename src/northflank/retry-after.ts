/**
 * Reads how many seconds to wait after a 429: `Retry-After` as delay-seconds or an HTTP date
 * (RFC 9110, section 10.2.3), else the `x-ratelimit-reset` seconds that Northflank sends on every
 * response. Returns undefined when neither is readable.
 */
export function readRetryAfterSeconds(
  retryAfter: string | undefined,
  rateLimitReset: string | undefined,
  nowMs: number,
): number | undefined {
  return parseRetryAfter(retryAfter, nowMs) ?? parseSeconds(rateLimitReset);
}

const HTTP_DATE_START = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;

  const seconds = parseSeconds(value);
  if (seconds !== undefined) return seconds;

  // Every HTTP-date format starts with a day name. Date.parse alone would read "-5" or "1.5"
  // as dates in 2001.
  if (!HTTP_DATE_START.test(value.trim())) return undefined;
  const dateMs = Date.parse(value);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
}

function parseSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d{1,10}\s*$/.test(value)) return undefined;
  return Number.parseInt(value, 10);
}
