import type { Plugin } from 'graphql-yoga';

export interface HttpHardeningOptions {
  graphqlPath: string;
  /** Every other path the gateway serves; anything else gets 404 before it reaches Yoga. */
  otherPaths?: readonly string[];
  /** Host names a request may address, with or without a port; `undefined` accepts any. */
  allowedHosts: readonly string[] | undefined;
  /** Origins whose pages may send operations cross-site. */
  corsOrigins?: readonly string[];
}

/** Media types a POST to the GraphQL endpoint may carry; anything else may be a forged form post. */
const JSON_MEDIA_TYPES = new Set(['application/json', 'application/graphql-response+json']);

const DEFAULT_OTHER_PATHS = ['/healthz', '/readyz'];

/**
 * Rejects requests that could slip past the gateway's checks and sets the response headers that
 * keep browsers and caches from mishandling responses:
 * - only the exact known paths are served, because Yoga also runs GraphQL for URLs that merely end
 *   in the endpoint path (`/graphql/`, `/x?/graphql`), which other checks would not recognise;
 * - a GraphQL request for a Host outside the allowed list gets 421, which stops DNS rebinding;
 * - a POST whose body is not JSON (a form post, multipart, text/plain) gets 415, because browsers
 *   send those cross-site without a preflight;
 * - every response gets `X-Content-Type-Options: nosniff` and no `X-Powered-By`;
 * - GraphQL responses get `Cache-Control: no-store` and `Vary: Authorization, Origin`, so no
 *   shared cache stores one user's data for another.
 */
export function useHttpHardening(options: HttpHardeningOptions): Plugin {
  const knownPaths = new Set([options.graphqlPath, ...(options.otherPaths ?? DEFAULT_OTHER_PATHS)]);
  const allowedHosts =
    options.allowedHosts === undefined ? undefined : new Set(options.allowedHosts);

  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      const reject = (status: number, message: string, code: string) =>
        endResponse(
          fetchAPI.Response.json({ errors: [{ message, extensions: { code } }] }, { status }),
        );

      if (!knownPaths.has(url.pathname)) {
        reject(404, `Nothing is served at ${url.pathname.slice(0, 100)}.`, 'NOT_FOUND');
        return;
      }
      // Health probes address the pod or machine by IP, and return nothing worth rebinding for.
      const checksHost = url.pathname === options.graphqlPath && allowedHosts !== undefined;
      if (checksHost && !isAllowedHost(request.headers.get('host'), allowedHosts)) {
        reject(421, 'This gateway does not serve the requested host.', 'MISDIRECTED_REQUEST');
        return;
      }
      if (isForeignPageOperation(request, url, options)) {
        reject(
          403,
          'Operations sent by pages of other sites must come from an origin in CORS_ORIGINS.',
          'FORBIDDEN',
        );
        return;
      }
      if (request.method === 'POST' && url.pathname === options.graphqlPath) {
        const contentType = request.headers.get('content-type');
        if (isJson(contentType)) {
          // Media types are case-insensitive, but Yoga's parser only recognises lower case.
          if (contentType !== null) request.headers.set('content-type', contentType.toLowerCase());
          return;
        }
        reject(
          415,
          'POST requests must have Content-Type: application/json.',
          'UNSUPPORTED_MEDIA_TYPE',
        );
      }
    },
    onResponse({ request, response }) {
      setHardeningHeaders(response, new URL(request.url).pathname === options.graphqlPath);
    },
  };
}

/**
 * Sets the response headers described on `useHttpHardening`. `forGraphQLEndpoint` is true when
 * the request was for the GraphQL endpoint.
 */
export function setHardeningHeaders(response: Response, forGraphQLEndpoint: boolean): void {
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.delete('x-powered-by');
  appendVary(response.headers, 'Origin');
  if (!forGraphQLEndpoint) return;

  // The GraphiQL page and its 304 revalidations set their own caching.
  const isPage =
    response.status === 304 || response.headers.get('content-type')?.startsWith('text/html');
  if (!isPage) response.headers.set('cache-control', 'no-store');
  appendVary(response.headers, 'Authorization');
}

/**
 * Tells a GET operation that a page of another site made the browser send, which Fetch Metadata
 * marks with `Sec-Fetch-Site: cross-site`. An image or a link could otherwise spend the server
 * token's upstream budget from any page a visitor opens. Origins in CORS_ORIGINS are let through.
 */
function isForeignPageOperation(
  request: Request,
  url: URL,
  options: HttpHardeningOptions,
): boolean {
  if (request.method !== 'GET' || url.pathname !== options.graphqlPath) return false;
  if (!url.searchParams.has('query')) return false;
  if (request.headers.get('sec-fetch-site') !== 'cross-site') return false;

  const origin = request.headers.get('origin');
  return origin === null || !(options.corsOrigins ?? []).includes(origin);
}

/** Compares the Host header's name, without the port, with the allowed names. */
export function isAllowedHost(host: string | null, allowed: ReadonlySet<string>): boolean {
  if (host === null) return false;
  const lowered = host.toLowerCase();
  if (allowed.has(lowered)) return true;

  const name = lowered.startsWith('[')
    ? lowered.slice(0, lowered.indexOf(']') + 1)
    : lowered.split(':')[0];
  return name !== undefined && allowed.has(name);
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
