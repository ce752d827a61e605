import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { ErrorCode } from '../errors.js';
import { hashCredential } from '../upstream/credential.js';

export interface InboundLimitOptions {
  graphqlPath: string;
  /** GraphiQL page requests are not operations, so they are not counted. */
  graphiql: boolean;
  /** Operations one client may start per minute; 0 turns the limit off. */
  perClientPerMinute: number;
  /** Operations in progress in the whole process; past that, 503. */
  maxInflight: number;
  /** Take the client address from X-Forwarded-For, as set by a trusted proxy in front. */
  trustProxy: boolean;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Clients remembered at once; the least recently seen is forgotten first. */
const MAX_TRACKED_CLIENTS = 100_000;

/**
 * Limits operations per client and in the whole process, so one noisy or hostile caller cannot
 * spend the server token's upstream budget or exhaust the gateway. A client is its bearer
 * token's hash when it sends one, else its IP address. Each client has a token bucket that
 * holds a minute's worth of operations and refills continuously.
 */
export function useInboundLimits(options: InboundLimitOptions): Plugin {
  const buckets = new LRUCache<string, Bucket>({ max: MAX_TRACKED_CLIENTS });
  const refillPerMs = options.perClientPerMinute / 60_000;
  const counted = new WeakSet<Request>();
  let inflight = 0;

  return {
    onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (url.pathname !== options.graphqlPath) return;
      if (options.graphiql && isGraphiQLPageRequest(request, url)) return;

      if (inflight >= options.maxInflight) {
        endResponse(
          errorResponse(
            fetchAPI,
            503,
            'The gateway is busy. Try again shortly.',
            'SERVICE_UNAVAILABLE',
            1,
          ),
        );
        return;
      }
      if (options.perClientPerMinute > 0) {
        const client = clientKey(
          request,
          serverContext as { req?: IncomingMessage },
          options.trustProxy,
        );
        const waitSeconds = takeToken(buckets, client, options.perClientPerMinute, refillPerMs);
        if (waitSeconds > 0) {
          endResponse(
            errorResponse(
              fetchAPI,
              429,
              `Too many requests from this client. Retry after ${waitSeconds} seconds.`,
              ErrorCode.RATE_LIMITED,
              waitSeconds,
            ),
          );
          return;
        }
      }
      inflight += 1;
      counted.add(request);
    },
    onResponse({ request }) {
      if (!counted.has(request)) return;
      counted.delete(request);
      inflight -= 1;
    },
  };
}

/** Takes one token from the client's bucket; returns 0, or the seconds until one is available. */
function takeToken(
  buckets: LRUCache<string, Bucket>,
  client: string,
  capacity: number,
  refillPerMs: number,
): number {
  const now = Date.now();
  const bucket = buckets.get(client) ?? { tokens: capacity, updatedAt: now };
  bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.updatedAt) * refillPerMs);
  bucket.updatedAt = now;
  buckets.set(client, bucket);

  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
}

function clientKey(
  request: Request,
  serverContext: { req?: IncomingMessage },
  trustProxy: boolean,
) {
  const authorization = request.headers.get('authorization');
  const bearer = authorization === null ? undefined : /^Bearer +(\S+) *$/i.exec(authorization)?.[1];
  if (bearer !== undefined) return `token:${hashCredential(bearer).hash}`;

  return `ip:${clientAddress(request, serverContext, trustProxy)}`;
}

/**
 * The peer address, or behind a trusted proxy the last X-Forwarded-For entry: the address that
 * proxy saw. Entries before it were sent by the client and can be forged.
 */
function clientAddress(
  request: Request,
  serverContext: { req?: IncomingMessage },
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for');
    const last = forwarded?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  return serverContext.req?.socket.remoteAddress ?? 'unknown';
}

/** A browser asking for the GraphiQL page: a GET for HTML without an operation in it. */
function isGraphiQLPageRequest(request: Request, url: URL): boolean {
  return (
    request.method === 'GET' &&
    !url.searchParams.has('query') &&
    (request.headers.get('accept') ?? '').includes('text/html')
  );
}

function errorResponse(
  fetchAPI: { Response: typeof Response },
  status: number,
  message: string,
  code: string,
  retryAfter: number,
): Response {
  return fetchAPI.Response.json(
    { errors: [{ message, extensions: { code, retryAfter } }] },
    { status, headers: { 'retry-after': String(retryAfter) } },
  );
}
