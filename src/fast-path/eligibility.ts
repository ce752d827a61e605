import type { IncomingMessage } from 'node:http';

/** Content-Type values that both the Host and media type checks and Yoga's JSON parser accept. */
const JSON_CONTENT_TYPES = new Set(['application/json', 'application/json; charset=utf-8']);

/**
 * Accept values for which Yoga 5.24 always picks its regular JSON result processor. Yoga reads a
 * list from the last entry to the first, so with both JSON types listed the first one wins.
 */
const JSON_ACCEPT_VALUES = new Set([
  '*/*',
  'application/json',
  'application/graphql-response+json',
  'application/json, application/graphql-response+json',
  'application/graphql-response+json, application/json',
]);

const DIGITS = /^\d+$/;

/**
 * Checks that a request is the common case that the fast path serves: a JSON POST to the GraphQL
 * endpoint without a query string, with a Content-Length within `maxBodyBytes`, accepting a JSON
 * response. It must have no Origin, because Yoga sets the CORS headers. Anything else, including
 * a chunked body, goes to Yoga.
 */
export function isFastPathCandidate(
  request: IncomingMessage,
  graphqlPath: string,
  maxBodyBytes: number,
): boolean {
  if (request.method !== 'POST' || request.url !== graphqlPath) return false;

  const headers = request.headers;
  if (headers.origin !== undefined || headers['transfer-encoding'] !== undefined) return false;

  const contentType = headers['content-type'];
  if (contentType === undefined || !JSON_CONTENT_TYPES.has(contentType)) return false;

  const contentLength = headers['content-length'];
  if (contentLength === undefined || !DIGITS.test(contentLength)) return false;
  if (Number(contentLength) > maxBodyBytes) return false;

  const accept = headers.accept;
  return accept === undefined || JSON_ACCEPT_VALUES.has(accept);
}
