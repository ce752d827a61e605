import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { ErrorCode } from '../errors.js';
import { hashCredential } from '../upstream/credential.js';

export interface InboundLimitOptions {
  /** Operations one client may start per minute; 0 turns the limit off. */
  perClientPerMinute: number;
  /** Operations in progress in the whole process; past that, 503. */
  maxInflight: number;
  /** Take the client address from X-Forwarded-For, as set by a trusted proxy in front. */
  trustProxy: boolean;
}

export interface InboundLimitPluginOptions {
  graphqlPath: string;
  /** GraphiQL page requests are not operations, so they are not counted. */
  graphiql: boolean;
}

/** Request headers as the limiter reads them; WHATWG `Headers` is one. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** The reason an operation was not admitted, with the status and error it gets. */
export interface InboundRejection {
  status: 429 | 503;
  message: string;
  code: string;
  /** Seconds, sent in the `Retry-After` header. */
  retryAfter: number;
}

/**
 * The per-client token buckets and the in-flight counter of one gateway. Every request path
 * shares one limiter, so a client has a single budget however its requests are served.
 */
export interface InboundLimiter {
  /** Admits one operation, which must be released later, or returns why it is rejected. */
  admit(headers: HeaderReader, remoteAddress: string | undefined): InboundRejection | undefined;
  /** Ends an admitted operation. */
  release(): void;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Clients remembered at once; the least recently seen is forgotten first. */
const MAX_TRACKED_CLIENTS = 100_000;

/**
 * Creates the limiter that bounds operations per client and in the whole process, so one noisy
 * or hostile caller cannot spend the server token's upstream budget or exhaust the gateway. A
 * client is its bearer token's hash when it sends one, else its IP address. Each client has a
 * token bucket that contains a minute's worth of operations and refills continuously.
 */
export function createInboundLimiter(options: InboundLimitOptions): InboundLimiter {
  const buckets = new LRUCache<string, Bucket>({ max: MAX_TRACKED_CLIENTS });
  const refillPerMs = options.perClientPerMinute / 60_000;
  let inflight = 0;

  return {
    admit(headers, remoteAddress) {
      if (inflight >= options.maxInflight) {
        return {
          status: 503,
          message: 'The gateway is busy. Try again shortly.',
          code: 'SERVICE_UNAVAILABLE',
          retryAfter: 1,
        };
      }
      if (options.perClientPerMinute > 0) {
        const client = clientKey(headers, remoteAddress, options.trustProxy);
        const waitSeconds = takeToken(buckets, client, options.perClientPerMinute, refillPerMs);
        if (waitSeconds > 0) {
          return {
            status: 429,
            message: `Too many requests from this client. Retry after ${waitSeconds} seconds.`,
            code: ErrorCode.RATE_LIMITED,
            retryAfter: waitSeconds,
          };
        }
      }
      inflight += 1;
      return undefined;
    },
    release() {
      inflight -= 1;
    },
  };
}

/** Applies the limiter to Yoga's requests for the GraphQL endpoint. */
export function useInboundLimits(
  limiter: InboundLimiter,
  options: InboundLimitPluginOptions,
): Plugin {
  const counted = new WeakSet<Request>();

  return {
    onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (url.pathname !== options.graphqlPath) return;
      if (options.graphiql && isGraphiQLPageRequest(request, url)) return;

      const remoteAddress = (serverContext as { req?: IncomingMessage }).req?.socket.remoteAddress;
      const rejection = limiter.admit(request.headers, remoteAddress);
      if (rejection !== undefined) {
        endResponse(errorResponse(fetchAPI, rejection));
        return;
      }
      counted.add(request);
    },
    onResponse({ request }) {
      if (!counted.has(request)) return;
      counted.delete(request);
      limiter.release();
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

function clientKey(headers: HeaderReader, remoteAddress: string | undefined, trustProxy: boolean) {
  const authorization = headers.get('authorization');
  const bearer = authorization === null ? undefined : /^Bearer +(\S+) *$/i.exec(authorization)?.[1];
  if (bearer !== undefined) return `token:${hashCredential(bearer).hash}`;

  return `ip:${clientAddress(headers, remoteAddress, trustProxy)}`;
}

/**
 * Returns the peer address, or behind a trusted proxy the last X-Forwarded-For entry, which is
 * the address that proxy saw. Entries before it were sent by the client and can be forged.
 */
function clientAddress(
  headers: HeaderReader,
  remoteAddress: string | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const forwarded = headers.get('x-forwarded-for');
    const last = forwarded?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  return remoteAddress ?? 'unknown';
}

/** Tells a browser's request for the GraphiQL page: a GET for HTML without an operation. */
function isGraphiQLPageRequest(request: Request, url: URL): boolean {
  return (
    request.method === 'GET' &&
    !url.searchParams.has('query') &&
    (request.headers.get('accept') ?? '').includes('text/html')
  );
}

function errorResponse(
  fetchAPI: { Response: typeof Response },
  { status, message, code, retryAfter }: InboundRejection,
): Response {
  return fetchAPI.Response.json(
    { errors: [{ message, extensions: { code, retryAfter } }] },
    { status, headers: { 'retry-after': String(retryAfter) } },
  );
}
