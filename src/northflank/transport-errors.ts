import { ErrorCode, GatewayError } from '../errors.js';

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/**
 * Maps an error thrown while talking to the upstream (no HTTP response, or one cut short) to
 * UPSTREAM_TIMEOUT or UPSTREAM_UNAVAILABLE. `deadlinePassed` tells the gateway's own deadline
 * apart from a caller that went away.
 */
export function errorFromTransportFailure(
  error: unknown,
  deadlinePassed: boolean,
  timeoutMs: number,
): GatewayError {
  const code = (error as { code?: unknown } | null)?.code;

  if (deadlinePassed || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
    return new GatewayError(
      ErrorCode.UPSTREAM_TIMEOUT,
      `Northflank did not answer within ${timeoutMs} ms.`,
      {},
      { cause: error },
    );
  }
  if (isAbort(error)) {
    return new GatewayError(
      ErrorCode.UPSTREAM_TIMEOUT,
      'The call to Northflank was cancelled before it finished.',
      {},
      { cause: error },
    );
  }
  return new GatewayError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    'Northflank could not be reached or closed the connection. Try again later.',
    {},
    { cause: error },
  );
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
