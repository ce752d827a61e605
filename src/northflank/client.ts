import { Agent, type Dispatcher, EnvHttpProxyAgent, request } from 'undici';
import { ActiveTimers } from '../active-timers.js';
import type { ProxySettings } from '../config.js';
import { ErrorCode, GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type Build, type BuildKey, BuildShapeError, parseBuild } from './build.js';
import { type RateLimitHeaders, readRateLimitHeaders } from './rate-limit-headers.js';
import {
  type AttemptEnd,
  connectorRecordingBytesRead,
  errorFromTransportFailure,
  isStaleKeepAliveFailure,
} from './transport-errors.js';
import { errorFromResponse, type FailedResponse } from './upstream-errors.js';

export interface NorthflankClientOptions {
  /** Origin of the Northflank API, e.g. `https://api.northflank.com`. */
  apiUrl: string;
  /** When set, calls use the `/v1/teams/{teamId}/projects/...` route that organisation tokens need. */
  teamId?: string | undefined;
  /** Deadline for one call, from connecting to the last body byte. @default 5000 */
  timeoutMs?: number;
  /** Larger response bodies are cut off and reported as UPSTREAM_BAD_RESPONSE. @default 1048576 */
  maxResponseBytes?: number;
  /** Keep-alive connections kept open to the upstream. @default 32 */
  maxConnections?: number;
  /** Counts the client's pending timers; a private one is used when omitted. */
  timers?: ActiveTimers;
  /** Sends calls through an HTTP proxy, except to hosts listed in `noProxy`. */
  proxy?: ProxySettings | undefined;
  logger: Logger;
}

/** Options of one call. */
export interface CallOptions {
  /**
   * Aborts the call, for example once every caller has gone. An abort whose reason is named
   * `TimeoutError`, as `AbortSignal.timeout()` sets, means the callers ran out of time, so it
   * fails as UPSTREAM_TIMEOUT counted against the upstream. Any other abort is a cancellation.
   */
  signal?: AbortSignal;
  /**
   * Returns the time, in epoch milliseconds, by which the call must end when that is sooner than
   * the client's `timeoutMs`, for example to fit a request deadline. It is called again when the
   * timer fires, so a deadline that moved later extends the call.
   */
  deadline?: () => number;
  /** Receives the rate-limit headers of the response, whatever its status. */
  onRateLimit?: (headers: RateLimitHeaders) => void;
}

/** Connection pool occupancy, for tests and diagnostics. */
export interface PoolStats {
  connected: number;
  running: number;
  pending: number;
  queued: number;
}

const USER_AGENT = 'northflank-graphql-gateway';

type RawResponse = FailedResponse;

/**
 * REST client for the Northflank endpoints the gateway wraps. One call is one HTTP exchange:
 * retries, caching and coalescing live in the layer above. It never follows redirects, and every
 * failure comes out as a GatewayError with a stable code.
 */
export class NorthflankClient {
  private readonly dispatcher: Dispatcher;
  private readonly origin: string;
  private readonly routePrefix: string;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly timers: ActiveTimers;
  private readonly logger: Logger;

  constructor(options: NorthflankClientOptions) {
    this.origin = new URL(options.apiUrl).origin;
    this.routePrefix =
      options.teamId === undefined ? '/v1' : `/v1/teams/${encodeURIComponent(options.teamId)}`;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
    this.timers = options.timers ?? new ActiveTimers();
    this.logger = options.logger;

    // undici's own header and body timeouts apply per phase. The timer in `getServiceBuild` is
    // the real deadline, so these only stop a socket from outliving it.
    const poolOptions = {
      connections: options.maxConnections ?? 32,
      keepAliveTimeout: 4000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: connectorRecordingBytesRead(this.timeoutMs),
    };
    // The proxy settings are passed explicitly so the client never reads the environment itself.
    this.dispatcher =
      options.proxy === undefined
        ? new Agent(poolOptions)
        : new EnvHttpProxyAgent({ ...poolOptions, ...options.proxy });
  }

  /** Path of the get-service-build endpoint; ids must already be validated. */
  buildPath(key: BuildKey): string {
    const project = encodeURIComponent(key.projectId);
    const service = encodeURIComponent(key.serviceId);
    const build = encodeURIComponent(key.buildId);
    return `${this.routePrefix}/projects/${project}/services/${service}/build/${build}`;
  }

  /** Fetches one service build with the caller's bearer token. */
  async getServiceBuild(key: BuildKey, token: string, options: CallOptions = {}): Promise<Build> {
    const path = this.buildPath(key);
    const data = await this.getData(path, token, options);

    try {
      return parseBuild(data, key);
    } catch (error) {
      if (!(error instanceof BuildShapeError)) throw error;
      this.logger.warn({ path, reason: error.message }, 'Northflank returned a malformed build');
      throw new GatewayError(
        ErrorCode.UPSTREAM_BAD_RESPONSE,
        `Northflank returned a build that does not match its documented shape: ${error.message}.`,
        {},
        { cause: error },
      );
    }
  }

  /** Occupancy of the connection pool to the upstream origin. */
  poolStats(): PoolStats {
    const stats = this.dispatcher instanceof Agent ? this.dispatcher.stats[this.origin] : undefined;
    if (stats === undefined) return { connected: 0, running: 0, pending: 0, queued: 0 };

    return {
      connected: Number(stats.connected),
      running: stats.running,
      pending: stats.pending,
      queued: 'queued' in stats ? stats.queued : 0,
    };
  }

  /** Closes pooled connections; calls in flight are allowed to finish. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async getData(path: string, token: string, options: CallOptions): Promise<unknown> {
    const controller = new AbortController();
    let end: AttemptEnd = 'failed';
    const stop = (reason: AttemptEnd) => {
      // The first reason wins, so callers that leave just after the timer fired do not turn a
      // timeout into a cancellation.
      if (end !== 'failed') return;
      end = reason;
      controller.abort();
    };

    const startedAt = Date.now();
    const dueAt = () => Math.min(startedAt + this.timeoutMs, options.deadline?.() ?? Infinity);
    const cancelTimer = this.timers.startUntil(dueAt, () => stop('attempt-timeout'));
    const onCallerAbort = () =>
      stop(isTimeoutReason(options.signal?.reason) ? 'attempt-timeout' : 'cancelled');
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (options.signal?.aborted) onCallerAbort();

    try {
      const response = await this.send(path, token, controller.signal);
      options.onRateLimit?.(readRateLimitHeaders(response.headers));
      return this.readEnvelope(response, token);
    } catch (error) {
      if (error instanceof GatewayError) {
        this.logFailedResponse(path, error);
        throw error;
      }
      const failure = errorFromTransportFailure(error, end, Math.max(0, dueAt() - startedAt));
      if ((end as AttemptEnd) === 'cancelled') {
        // Every client waiting for this call went away: nothing is wrong upstream.
        this.logger.debug({ path }, 'Northflank call cancelled: no request is waiting for it');
      } else {
        this.logger.warn(
          { path, code: failure.code, reason: describeError(error) },
          'Northflank call failed',
        );
      }
      throw failure;
    } finally {
      cancelTimer();
      options.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  /**
   * Logs a response that shows Northflank failing (5xx, a malformed or unexpected response) at
   * warn, so operators see an outage. Responses about the caller's input (401, 403, 404, 429) are
   * normal traffic and go to debug.
   */
  private logFailedResponse(path: string, error: GatewayError): void {
    const fields = { path, code: error.code, upstreamStatus: error.details.upstreamStatus };
    if (error.upstreamFault || error.code === ErrorCode.UPSTREAM_BAD_RESPONSE) {
      this.logger.warn(fields, 'Northflank returned an error');
    } else {
      this.logger.debug(fields, 'Northflank rejected the call');
    }
  }

  private async send(path: string, token: string, signal: AbortSignal): Promise<RawResponse> {
    const response = await this.requestWithStaleSocketRetry(path, token, signal);
    const body = await readLimited(response.body, this.maxResponseBytes);
    return { status: response.statusCode, headers: response.headers, body };
  }

  /**
   * Sends the request, and sends it once more on a new connection when a pooled keep-alive
   * socket turns out to have been closed by the upstream. That request never reached the
   * upstream, so the resend is safe and is not counted as a retry.
   */
  private async requestWithStaleSocketRetry(path: string, token: string, signal: AbortSignal) {
    try {
      return await this.request(path, token, signal);
    } catch (error) {
      if (signal.aborted || !isStaleKeepAliveFailure(error)) throw error;
      this.logger.debug({ path }, 'Pooled connection was closed by Northflank; sending again');
      return await this.request(path, token, signal);
    }
  }

  private request(path: string, token: string, signal: AbortSignal) {
    return request(`${this.origin}${path}`, {
      method: 'GET',
      dispatcher: this.dispatcher,
      signal,
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${token}`,
        'user-agent': USER_AGENT,
      },
    });
  }

  private readEnvelope(response: RawResponse, token: string): unknown {
    if (response.status !== 200) throw errorFromResponse(response, token);

    if (response.body.trim() === '') {
      throw badResponse('Northflank returned 200 with an empty body.');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body);
    } catch {
      throw badResponse('Northflank returned 200 with a body that is not JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || !('data' in parsed)) {
      throw badResponse('Northflank returned 200 without the expected "data" envelope.');
    }
    return parsed.data;
  }
}

/** Reads a body as UTF-8, failing as soon as it grows past `maxBytes` instead of buffering it all. */
async function readLimited(body: AsyncIterable<Buffer> & { destroy(): void }, maxBytes: number) {
  const chunks: Buffer[] = [];
  let size = 0;

  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw badResponse(`Northflank sent a response larger than ${maxBytes} bytes.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isTimeoutReason(reason: unknown): boolean {
  return (reason as { name?: unknown } | null | undefined)?.name === 'TimeoutError';
}

function badResponse(message: string): GatewayError {
  return new GatewayError(ErrorCode.UPSTREAM_BAD_RESPONSE, message);
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string'
    ? `${error.name} ${code}: ${error.message}`
    : `${error.name}: ${error.message}`;
}
