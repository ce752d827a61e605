import type { ServerResponse } from 'node:http';
import { type FaultContext, sendBuildResponse } from './build-response.js';
import type { ResponseFault } from './faults.js';
import { isBodilessStatus, JSON_CONTENT_TYPE, sendEmpty, sendError } from './responses.js';

/** A maintenance page like the ones proxies and load balancers send in front of an API. */
const MAINTENANCE_PAGE = `<!DOCTYPE html>
<html>
<head><title>Down for maintenance</title></head>
<body>
<h1>We'll be back soon</h1>
<p>The service is down for scheduled maintenance. Please try again in a few minutes.</p>
</body>
</html>
`;

/** Sends the response of a fault that keeps the HTTP exchange well-formed. */
export async function sendResponseFault(
  fault: ResponseFault,
  context: FaultContext,
): Promise<void> {
  const { res } = context;
  switch (fault.kind) {
    case 'latency':
      await context.sleep(fault.ms);
      if (!res.destroyed) sendBuildResponse(res, context.normalResponse());
      return;
    case 'status':
      sendStatus(res, fault.status, fault.message, fault.headers);
      return;
    case 'rate-limit':
      sendError(res, 429, undefined, retryAfterHeader(fault.retryAfter));
      return;
    case 'hang':
      // Sends nothing: close() destroys the socket, or the client gives up first.
      return;
    case 'malformed-body':
      sendHtml(res, MAINTENANCE_PAGE);
      return;
    case 'empty-body':
      sendEmptyBody(res, fault.status ?? 200);
      return;
    case 'raw':
      sendRaw(res, fault.status, fault.body, fault.headers ?? {});
      return;
  }
}

function sendStatus(
  res: ServerResponse,
  status: number,
  message: string | undefined,
  headers: Record<string, string> = {},
): void {
  if (isBodilessStatus(status)) sendEmpty(res, status, headers);
  else sendError(res, status, message, headers);
}

function retryAfterHeader(retryAfter: string | undefined): Record<string, string> {
  return retryAfter === undefined ? {} : { 'retry-after': retryAfter };
}

function sendHtml(res: ServerResponse, page: string): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(page),
  });
  res.end(page);
}

/**
 * Sends `status` with an empty body. A 200 still claims JSON, as a server that fails to write its
 * body would.
 */
function sendEmptyBody(res: ServerResponse, status: number): void {
  if (isBodilessStatus(status)) {
    sendEmpty(res, status);
    return;
  }

  res.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'content-length': '0' });
  res.end();
}

/**
 * Sends exactly `status`, `headers` and `body`. Node adds a Content-Length unless `headers`
 * contain one or a Transfer-Encoding.
 */
function sendRaw(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
}
