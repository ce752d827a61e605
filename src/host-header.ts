import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestId } from './plugins/request-id.js';

/** A host name, IPv4 address or bracketed IPv6 address, with an optional port (RFC 9110 7.2). */
const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(:\d{1,5})?$/;

/**
 * Responds to a request whose Host header cannot be part of a URL with 400 and returns true. The
 * fetch API adapter would otherwise fail to build the request URL and send its stack trace.
 */
export function rejectMalformedHost(request: IncomingMessage, response: ServerResponse): boolean {
  const host = request.headers.host;
  if (host === undefined || HOST_HEADER.test(host)) return false;

  const requestId = getRequestId({
    headers: { get: (name: string) => headerValue(request.headers[name]) },
    signal: AbortSignal.abort(),
  });
  const body = JSON.stringify({
    errors: [{ message: 'The Host header is malformed.', extensions: { code: 'BAD_REQUEST' } }],
  });
  response.writeHead(400, {
    'content-type': 'application/json; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'x-request-id': requestId,
  });
  response.end(body);
  return true;
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}
