import { ErrorCode, GatewayError } from '../errors.js';
import { readRetryAfterSeconds } from './retry-after.js';

/** A response other than 200, as the client read it. */
export interface FailedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body text, possibly empty or not JSON. */
  body: string;
}

const UPSTREAM_MESSAGE_MAX_LENGTH = 200;

/**
 * Maps a non-200 upstream response to the gateway's error codes. The upstream's own message is
 * passed on where Northflank sent one, since it is usually the most precise ("Build not found").
 * `secret` is scrubbed from it in case a proxy or upstream echoes the request.
 */
export function errorFromResponse(response: FailedResponse, secret: string): GatewayError {
  const { status } = response;
  const upstreamMessage = readEnvelopeMessage(response.body, secret);
  const details = { upstreamStatus: status };

  if (status >= 300 && status < 400) {
    return new GatewayError(
      ErrorCode.UPSTREAM_BAD_RESPONSE,
      `Northflank answered with a redirect (HTTP ${status}), which the gateway does not follow.`,
      details,
    );
  }
  switch (status) {
    case 400:
      return new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        upstreamMessage ?? 'Northflank rejected the request as invalid.',
        details,
      );
    case 401:
      return new GatewayError(
        ErrorCode.UNAUTHENTICATED,
        upstreamMessage ??
          'Northflank rejected the API token: it is invalid, expired or lacks permission.',
        details,
      );
    case 403:
      return new GatewayError(
        ErrorCode.FORBIDDEN,
        upstreamMessage ?? 'The API token is not allowed to read this service build.',
        details,
      );
    case 404:
      return new GatewayError(ErrorCode.NOT_FOUND, upstreamMessage ?? 'Build not found.', details);
    case 429:
      return rateLimited(response, upstreamMessage);
  }
  if (status >= 500) {
    // 502, 503 and 504 come from gateways and overload, where a retry may land elsewhere. A 500
    // is most likely the same bug again.
    return new GatewayError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `Northflank is unavailable (HTTP ${status}). Try again later.`,
      details,
      { transient: status === 502 || status === 503 || status === 504, upstreamFault: true },
    );
  }
  return new GatewayError(
    ErrorCode.UPSTREAM_BAD_RESPONSE,
    `Northflank answered with unexpected HTTP status ${status}.`,
    details,
  );
}

function rateLimited(response: FailedResponse, upstreamMessage: string | undefined): GatewayError {
  const retryAfter = readRetryAfterSeconds(
    headerValue(response.headers['retry-after']),
    headerValue(response.headers['x-ratelimit-reset']),
    Date.now(),
  );
  const wait = retryAfter === undefined ? '' : ` Retry after ${retryAfter} seconds.`;
  // Northflank's own message usually states the wait already, so it is passed on alone.
  const message = upstreamMessage ?? `The Northflank API rate limit is exhausted.${wait}`;

  return new GatewayError(
    ErrorCode.RATE_LIMITED,
    message,
    retryAfter === undefined ? { upstreamStatus: 429 } : { upstreamStatus: 429, retryAfter },
  );
}

/** Reads `error.message` of Northflank's error envelope; undefined for any other body. */
function readEnvelopeMessage(body: string, secret: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }

  const message = (parsed as { error?: { message?: unknown } } | null)?.error?.message;
  if (typeof message !== 'string' || message.trim() === '') return undefined;

  const scrubbed = secret === '' ? message : message.split(secret).join('[redacted]');
  return scrubbed.length > UPSTREAM_MESSAGE_MAX_LENGTH
    ? `${scrubbed.slice(0, UPSTREAM_MESSAGE_MAX_LENGTH)}…`
    : scrubbed;
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
