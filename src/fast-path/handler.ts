import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { isAllowedHost, setHardeningHeaders } from '../plugins/http-hardening.js';
import type { InboundLimiter } from '../plugins/inbound-limits.js';
import { getRequestId } from '../plugins/request-id.js';
import { isFastPathCandidate } from './eligibility.js';
import { createLightRequest, type LightRequest, readNodeHeaders } from './light-request.js';
import type { AnyYogaServer } from './yoga-server.js';

export interface FastPathOptions {
  /** Returns the Yoga server whose GraphQL handling the fast path runs. */
  yogaServer: () => AnyYogaServer;
  /** The `waitUntil` that @whatwg-node/server puts in every server context. */
  waitUntil: (promise: Promise<void> | void) => void;
  graphqlPath: string;
  /** Larger bodies, by Content-Length, go to Yoga, which rejects them with 413. */
  maxBodyBytes: number;
  /** Host names a request may address; `undefined` accepts any. */
  allowedHosts: readonly string[] | undefined;
  /** The limiter that Yoga's inbound limits plugin uses too. */
  limiter: InboundLimiter;
  logger: Logger;
}

/** A request handler that serves plain JSON POSTs without building WHATWG Request objects. */
export interface FastPath {
  /** Serves the request and returns true, or returns false without touching it. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** Returns how many requests the fast path has taken. */
  served(): number;
}

/**
 * Creates the fast path for the common request: a JSON POST to the GraphQL endpoint. It does the
 * work of @whatwg-node/server and of the gateway's `onRequest` and `onResponse` hooks directly on
 * node:http, and hands the request to Yoga's own handling for everything in between, so status
 * codes, headers and bodies are the ones Yoga produces. A request that one of those hooks would
 * reject (wrong Host, rate limited, busy) is declined, so Yoga sends the rejection.
 */
export function createFastPath(options: FastPathOptions): FastPath {
  const allowedHosts =
    options.allowedHosts === undefined ? undefined : new Set(options.allowedHosts);
  let served = 0;

  return {
    handle(request, response) {
      if (!isFastPathCandidate(request, options.graphqlPath, options.maxBodyBytes)) return false;

      const headers = readNodeHeaders(request.headers);
      if (allowedHosts !== undefined && !isAllowedHost(headers.get('host'), allowedHosts)) {
        return false;
      }
      if (options.limiter.admit(headers, request.socket.remoteAddress) !== undefined) return false;

      served += 1;
      const lightRequest = createLightRequest(request, response, headers);
      const serverContext = { req: request, res: response, waitUntil: options.waitUntil };
      Promise.resolve()
        .then(() => options.yogaServer().handle(lightRequest as unknown as Request, serverContext))
        .then(
          (result) => sendResult(result, lightRequest, response, options.limiter),
          (error: unknown) => sendFailure(error, lightRequest, response, options),
        )
        .catch((error: unknown) => {
          const requestId = getRequestId(lightRequest);
          options.logger.error({ err: error, requestId }, 'Sending a response failed');
          response.destroy();
        });
      return true;
    },
    served: () => served,
  };
}

/**
 * Runs what the `onResponse` hooks do for a GraphQL response (request id, hardening headers,
 * releasing the in-flight slot) and writes the response as @whatwg-node/server does.
 */
async function sendResult(
  result: Response,
  request: LightRequest,
  response: ServerResponse,
  limiter: InboundLimiter,
): Promise<void> {
  result.headers.set('x-request-id', getRequestId(request));
  setHardeningHeaders(result, true);
  limiter.release();

  const body = await result.text();
  if (response.closed || response.destroyed || response.writableEnded) return;

  response.setHeaders(result.headers as unknown as Map<string, string>);
  response.writeHead(result.status, result.statusText);
  response.end(body);
}

/** Yoga's `handle` turns every error into a GraphQL response, so this only catches bugs. */
function sendFailure(
  error: unknown,
  request: LightRequest,
  response: ServerResponse,
  options: FastPathOptions,
): void {
  const requestId = getRequestId(request);
  options.logger.error({ err: error, requestId }, 'Unexpected error while serving a request');
  options.limiter.release();
  if (response.headersSent || response.destroyed) {
    response.destroy();
    return;
  }
  response.writeHead(500, { 'x-request-id': requestId, 'x-content-type-options': 'nosniff' });
  response.end();
}
