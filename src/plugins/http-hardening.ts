import type { Plugin } from 'graphql-yoga';

export interface HttpHardeningOptions {
  graphqlPath: string;
}

/** Media types a POST to the GraphQL endpoint may carry; anything else may be a forged form post. */
const JSON_MEDIA_TYPES = new Set(['application/json', 'application/graphql-response+json']);

/**
 * Rejects cross-site request forgery and sets the response headers that keep browsers and caches
 * from mishandling responses:
 * - a POST whose body is not JSON (a form post, multipart, text/plain) gets 415, because browsers
 *   send those cross-site without a preflight;
 * - every response gets `X-Content-Type-Options: nosniff` and no `X-Powered-By`;
 * - GraphQL responses get `Cache-Control: no-store` and `Vary: Authorization, Origin`, so no
 *   shared cache stores one user's data for another.
 */
export function useHttpHardening(options: HttpHardeningOptions): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'POST' || url.pathname !== options.graphqlPath) return;
      if (isJson(request.headers.get('content-type'))) return;

      endResponse(
        fetchAPI.Response.json(
          {
            errors: [
              {
                message: 'POST requests must have Content-Type: application/json.',
                extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' },
              },
            ],
          },
          { status: 415 },
        ),
      );
    },
    onResponse({ request, response }) {
      response.headers.set('x-content-type-options', 'nosniff');
      response.headers.delete('x-powered-by');
      appendVary(response.headers, 'Origin');

      if (new URL(request.url).pathname !== options.graphqlPath) return;
      if (!response.headers.get('content-type')?.startsWith('text/html')) {
        response.headers.set('cache-control', 'no-store');
      }
      appendVary(response.headers, 'Authorization');
    },
  };
}

function isJson(contentType: string | null): boolean {
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  return mediaType !== undefined && JSON_MEDIA_TYPES.has(mediaType);
}

function appendVary(headers: Headers, name: string): void {
  const current = headers.get('vary');
  const names = current === null ? [] : current.split(',').map((entry) => entry.trim());
  if (names.some((entry) => entry.toLowerCase() === name.toLowerCase() || entry === '*')) return;
  headers.set('vary', [...names, name].join(', '));
}
