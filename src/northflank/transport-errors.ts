import { buildConnector } from 'undici';
import { ErrorCode, GatewayError } from '../errors.js';

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** Socket errors after which a new connection may well succeed. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** Reason an attempt stopped without ending in an HTTP response. */
export type AttemptEnd = 'attempt-timeout' | 'cancelled' | 'failed';

/**
 * Maps an error thrown while talking to the upstream (no HTTP response, or one cut short) to
 * UPSTREAM_TIMEOUT or UPSTREAM_UNAVAILABLE, with the traits that drive retries and the breaker.
 */
export function errorFromTransportFailure(
  error: unknown,
  end: AttemptEnd,
  timeoutMs: number,
): GatewayError {
  const code = (error as { code?: unknown } | null)?.code;

  if (end === 'cancelled') {
    // Every caller went away or ran out of time: nothing is wrong with the upstream.
    return new GatewayError(
      ErrorCode.UPSTREAM_TIMEOUT,
      'The call to Northflank was cancelled before it finished.',
      {},
      { cause: error },
    );
  }
  if (end === 'attempt-timeout' || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
    return new GatewayError(
      ErrorCode.UPSTREAM_TIMEOUT,
      `Northflank did not respond within ${timeoutMs} ms.`,
      {},
      { cause: error, transient: true, upstreamFault: true },
    );
  }
  return new GatewayError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    'Northflank could not be reached or closed the connection. Try again later.',
    {},
    {
      cause: error,
      transient: typeof code === 'string' && CONNECTION_CODES.has(code),
      upstreamFault: true,
    },
  );
}

/**
 * Tells whether a request failed, before any response, on a kept-alive socket that the upstream
 * had already closed. Such a request never reached the upstream, so it can be sent again at once.
 * The socket had read an earlier response (`bytesRead > 0`), which a fresh connection has not.
 */
export function isStaleKeepAliveFailure(error: unknown): boolean {
  const failure = error as {
    code?: unknown;
    socket?: { bytesRead?: unknown };
    socketBytesRead?: unknown;
  } | null;
  if (failure?.code !== 'UND_ERR_SOCKET' && failure?.code !== 'ECONNRESET') return false;

  // undici's SocketError carries `socket`, and a raw socket error carries what the connector
  // below recorded.
  const bytesRead = failure.socket?.bytesRead ?? failure.socketBytesRead;
  return typeof bytesRead === 'number' && bytesRead > 0;
}

/**
 * Builds undici's connector, adding to every error a socket emits how many bytes that socket had
 * read, as `socketBytesRead`. undici passes socket errors such as ECONNRESET on as they are,
 * without the socket details of its own SocketError, and `isStaleKeepAliveFailure` needs them.
 */
export function connectorRecordingBytesRead(timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ timeout: timeoutMs });

  return (options, callback) => {
    connect(options, (...args) => {
      const socket = args[1];
      socket?.prependListener('error', (error: Error) => {
        Object.assign(error, { socketBytesRead: socket.bytesRead });
      });
      callback(...args);
    });
  };
}
