import { randomUUID } from 'node:crypto';
import { type ServerResponse, STATUS_CODES } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Default error messages, close to what an API like Northflank's returns. */
const ERROR_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden: the API token lacks permission for this resource',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Request timed out',
  409: 'Conflict',
  413: 'Request body too large',
  429: 'Rate limit exceeded',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timed out',
};

/** Returns the default error message for `status`, falling back to the HTTP reason phrase. */
export function errorMessageFor(status: number): string {
  return ERROR_MESSAGES[status] ?? STATUS_CODES[status] ?? `HTTP ${status}`;
}

/**
 * Serializes the error envelope `{"error": {"status", "message", "id"}}`. The id is a fresh UUID,
 * standing in for the request id that Northflank puts there.
 */
export function errorBody(status: number, message = errorMessageFor(status)): string {
  return JSON.stringify({ error: { status, message, id: randomUUID() } });
}

/** Sends `body` as JSON with a Content-Length, after any headers set earlier on `res`. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Sends the error envelope with `status` and `message`, plus `headers`. */
export function sendError(
  res: ServerResponse,
  status: number,
  message?: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, errorBody(status, message), headers);
}

/** Sends a response without a body, as 204 and 304 require. */
export function sendEmpty(
  res: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, headers);
  res.end();
}

/** Statuses whose responses cannot have a body in HTTP/1.1. */
export function isBodilessStatus(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}
