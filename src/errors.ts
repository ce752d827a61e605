/**
 * Stable error codes, sent to clients as `extensions.code`. Clients and tests match on these,
 * never on message text.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_BAD_RESPONSE: 'UPSTREAM_BAD_RESPONSE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Extra facts a client may act on, sent next to `code` in `extensions`. */
export interface GatewayErrorDetails {
  /** Seconds to wait before trying again (RATE_LIMITED only). */
  retryAfter?: number;
  /** HTTP status of the upstream response, when there was one. */
  upstreamStatus?: number;
}

/** Traits of an upstream failure that decide how retries and the circuit breaker treat it. */
export interface FailureTraits {
  /** Another attempt may succeed: connection refused or reset, attempt timeout, 502, 503, 504. */
  transient?: boolean;
  /** The upstream itself is failing (5xx, timeout, connection error), not the caller's input. */
  upstreamFault?: boolean;
  cause?: unknown;
}

/**
 * An expected failure whose message is safe to show to a client. Anything thrown that is not a
 * GatewayError is treated as a bug and masked. Only `code` and `details` reach the client.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: ErrorCode;
  readonly details: GatewayErrorDetails;
  readonly transient: boolean;
  readonly upstreamFault: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    details: GatewayErrorDetails = {},
    traits: FailureTraits = {},
  ) {
    super(message, { cause: traits.cause });
    this.code = code;
    this.details = details;
    this.transient = traits.transient ?? false;
    this.upstreamFault = traits.upstreamFault ?? false;
  }
}

/** Tells a GatewayError apart without `instanceof`, which fails across duplicate package copies. */
export function isGatewayError(error: unknown): error is GatewayError {
  return (
    error instanceof Error &&
    error.name === 'GatewayError' &&
    typeof (error as Partial<GatewayError>).code === 'string'
  );
}
