import { type ServerResponse, STATUS_CODES } from 'node:http';
import { type BuildResponse, type FaultContext, sendBuildResponse } from './build-response.js';
import { DEFAULT_DRIP_CHUNK_BYTES, DEFAULT_LARGE_BODY_BYTES, type SocketFault } from './faults.js';
import { JSON_CONTENT_TYPE, sendJson } from './responses.js';

/** Sends, or withholds, the response of a fault that breaks the HTTP exchange itself. */
export async function sendSocketFault(fault: SocketFault, context: FaultContext): Promise<void> {
  const { res } = context;
  switch (fault.kind) {
    case 'slow-headers':
      await sendSlowHeaders(context, fault.ms);
      return;
    case 'drip-body':
      await dripBody(context, fault.intervalMs, fault.chunkBytes ?? DEFAULT_DRIP_CHUNK_BYTES);
      return;
    case 'reset-mid-body':
      resetMidBody(res, context.normalResponse());
      return;
    case 'truncated-json':
      sendTruncatedJson(res, context.normalResponse());
      return;
    case 'large-body':
      sendBuildResponse(
        res,
        padResponse(context.normalResponse(), fault.bytes ?? DEFAULT_LARGE_BODY_BYTES),
      );
      return;
    case 'reset-reused-socket':
      res.socket?.resetAndDestroy();
      return;
  }
}

/**
 * Writes the status line straight to the socket, waits, then writes the headers and body and
 * closes the connection. Going around ServerResponse is the only way to split the header block.
 */
async function sendSlowHeaders(context: FaultContext, ms: number): Promise<void> {
  const { res } = context;
  const socket = res.socket;
  if (socket === null || socket.destroyed) return;

  const { status, body } = context.normalResponse();
  socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`);
  await context.sleep(ms);
  if (socket.destroyed) return;

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.getHeaders())) headers[name] = String(value);
  headers['content-type'] = JSON_CONTENT_TYPE;
  headers['content-length'] = String(Buffer.byteLength(body));
  headers.connection = 'close';

  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`${lines.join('')}\r\n${body}`);
}

/** Sends the headers at once and the body in chunks, `intervalMs` apart. */
async function dripBody(context: FaultContext, intervalMs: number, chunkBytes: number) {
  const { res } = context;
  const { status, body } = context.normalResponse();
  const bytes = Buffer.from(body);
  res.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'content-length': bytes.length });

  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    if (offset > 0) await context.sleep(intervalMs);
    if (res.destroyed) return;
    res.write(bytes.subarray(offset, offset + chunkBytes));
  }
  res.end();
}

/**
 * Announces the full Content-Length, sends the first half of the body and, once it is flushed to
 * the socket, resets the connection (TCP RST) so the client sees the body cut short.
 */
function resetMidBody(res: ServerResponse, response: BuildResponse): void {
  const bytes = Buffer.from(response.body);
  res.writeHead(response.status, {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': bytes.length,
  });
  res.write(bytes.subarray(0, Math.ceil(bytes.length / 2)), () => {
    res.socket?.resetAndDestroy();
  });
}

/** Sends the first half of the JSON body as a complete response, so only JSON parsing fails. */
function sendTruncatedJson(res: ServerResponse, response: BuildResponse): void {
  sendJson(res, response.status, response.body.slice(0, Math.floor(response.body.length / 2)));
}

/**
 * Adds a top-level `padding` string to the response's JSON object so that the body has exactly
 * `bytes` bytes. The response is returned unchanged when it is already that large.
 */
export function padResponse(response: BuildResponse, bytes: number): BuildResponse {
  const prefix = `${response.body.slice(0, -1)},"padding":"`;
  const suffix = '"}';
  const paddingLength = bytes - Buffer.byteLength(prefix) - suffix.length;
  if (paddingLength <= 0 || !response.body.endsWith('}')) return response;

  return { status: response.status, body: `${prefix}${'x'.repeat(paddingLength)}${suffix}` };
}
