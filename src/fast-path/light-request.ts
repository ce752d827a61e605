import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RequestLike } from '../context.js';

/**
 * The part of a WHATWG `Request` that Yoga reads while it parses and runs a JSON POST.
 * `body` is null so that Yoga's body size check does not wrap it in a stream; `json()` reads the
 * node:http request instead.
 */
export interface LightRequest extends RequestLike {
  method: 'POST';
  readonly url: string;
  body: null;
  json(): Promise<unknown>;
}

/** Reads node:http headers through the `get` of WHATWG `Headers`. */
export function readNodeHeaders(headers: IncomingHttpHeaders): RequestLike['headers'] {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * Builds the request object that Yoga and the resolver context see. Its signal aborts when the
 * response closes before it finishes, as with the `Request` that @whatwg-node/server builds.
 */
export function createLightRequest(
  request: IncomingMessage,
  response: ServerResponse,
  headers: RequestLike['headers'],
): LightRequest {
  const controller = new AbortController();
  const abort = () => {
    if (!controller.signal.aborted) controller.abort(response.errored ?? undefined);
  };
  response.once('error', abort);
  response.once('close', abort);
  response.once('finish', () => response.removeListener('close', abort));

  return {
    method: 'POST',
    get url() {
      return `http://${request.headers.host ?? 'localhost'}${request.url}`;
    },
    headers,
    signal: controller.signal,
    body: null,
    json: () => readBody(request).then(parseJson),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf-8')));
    request.once('error', reject);
    request.once('close', () => {
      if (!request.complete)
        reject(new Error('The client closed the request before its body ended.'));
    });
  });
}

/** Parses the body as @whatwg-node/node-fetch's `Body.json()` does, including its message. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) error.message += `, "${text}" is not valid JSON`;
    throw error;
  }
}
