import { Agent, type Dispatcher, request } from 'undici';
import { ErrorCode, GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type Build, type BuildKey, BuildShapeError, parseBuild } from './build.js';
import { errorFromTransportFailure } from './transport-errors.js';
import { errorFromResponse } from './upstream-errors.js';

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
  logger: Logger;
}

const USER_AGENT = 'northflank-graphql-gateway';

/**
 * REST client for the Northflank endpoints the gateway wraps. It never follows redirects, and
 * every failure comes out as a GatewayError with a stable code.
 */
export class NorthflankClient {
  private readonly agent: Agent;
  private readonly origin: string;
  private readonly routePrefix: string;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly logger: Logger;

  constructor(options: NorthflankClientOptions) {
    this.origin = new URL(options.apiUrl).origin;
    this.routePrefix =
      options.teamId === undefined ? '/v1' : `/v1/teams/${encodeURIComponent(options.teamId)}`;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
    this.logger = options.logger;

    // undici's own header and body timeouts apply per phase. The AbortSignal in `getData` is the
    // real deadline, so these only stop a socket from outliving it.
    this.agent = new Agent({
      connections: options.maxConnections ?? 32,
      keepAliveTimeout: 4000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: { timeout: this.timeoutMs },
    });
  }

  /** Path of the get-service-build endpoint; ids must already be validated. */
  buildPath(key: BuildKey): string {
    const project = encodeURIComponent(key.projectId);
    const service = encodeURIComponent(key.serviceId);
    const build = encodeURIComponent(key.buildId);
    return `${this.routePrefix}/projects/${project}/services/${service}/build/${build}`;
  }

  /** Fetches one service build with the caller's bearer token. */
  async getServiceBuild(key: BuildKey, token: string, signal?: AbortSignal): Promise<Build> {
    const path = this.buildPath(key);
    const data = await this.getData(path, token, signal);

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

  /** Closes pooled connections; calls in flight are allowed to finish. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private async getData(path: string, token: string, signal?: AbortSignal): Promise<unknown> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const combined = signal === undefined ? deadline : AbortSignal.any([deadline, signal]);

    try {
      const response = await this.send(path, token, combined);
      return this.readEnvelope(response, token);
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      const failure = errorFromTransportFailure(error, deadline.aborted, this.timeoutMs);
      this.logger.warn(
        { path, code: failure.code, reason: describeError(error) },
        'Northflank call failed',
      );
      throw failure;
    }
  }

  private async send(path: string, token: string, signal: AbortSignal) {
    const response = await request(`${this.origin}${path}`, {
      method: 'GET',
      dispatcher: this.agent as Dispatcher,
      signal,
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${token}`,
        'user-agent': USER_AGENT,
      },
    });
    const body = await readLimited(response.body, this.maxResponseBytes);
    return { status: response.statusCode, headers: response.headers, body };
  }

  private readEnvelope(
    response: {
      status: number;
      headers: Record<string, string | string[] | undefined>;
      body: string;
    },
    token: string,
  ): unknown {
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
