import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { type GraphiQLOptions, type Plugin, shouldRenderGraphiQL } from 'graphql-yoga';

const brotliCompress = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

export interface GraphiQLPageOptions {
  /** Path of the GraphQL endpoint, e.g. `/graphql`. The page is served on GET requests to it. */
  endpoint: string;
  /** Text of the page's `<title>`. */
  title: string;
  /** Query that GraphiQL opens with when the browser has no saved tabs. */
  defaultQuery: string;
  /**
   * Renders the page's HTML. It is called once, by `prepare` or for the first request.
   * @default renderGraphiQL from `@graphql-yoga/render-graphiql`, loaded when first needed
   */
  render?: (options: GraphiQLOptions) => string;
}

/** The plugin, with a method that renders the page before the first request for it. */
export type GraphiQLPagePlugin = Plugin & {
  /** Renders the page unless that is already done or under way. */
  prepare(): Promise<GraphiQLPage>;
};

/** Content codings the page is sent in, in order of preference. */
export type ContentCoding = 'br' | 'gzip' | 'identity';

/** A rendered GraphiQL page with everything needed to serve it. */
export interface GraphiQLPage {
  html: string;
  /** Value of the `Content-Security-Policy` header, which allows the inline script by hash. */
  contentSecurityPolicy: string;
  /** CSP sources (`'sha256-…'`) of the page's inline `<script>` elements. */
  scriptHashes: string[];
  /** Returns the strong entity tag of the page in one content coding. */
  etag(coding: ContentCoding): string;
  /** Returns the page's bytes in one content coding, compressed on first use and then kept. */
  body(coding: ContentCoding): Promise<Uint8Array<ArrayBuffer>>;
}

/**
 * Renders GraphiQL once and prepares its Content-Security-Policy and entity tags. Compression
 * runs on the first request for each coding, so creating the page stays fast.
 */
export function createGraphiQLPage(
  options: GraphiQLPageOptions & Required<Pick<GraphiQLPageOptions, 'render'>>,
): GraphiQLPage {
  const { render } = options;
  // Yoga 5.24's own GraphiQL plugin passes the `graphiql` options to the renderer unchanged and
  // adds no endpoint, so the page posts to its own location.pathname. The same options are used.
  const html = render({ title: options.title, defaultQuery: options.defaultQuery });
  const scriptHashes = inlineScriptContents(html).map(cspHashSource);
  const contentHash = createHash('sha256').update(html).digest('base64url');
  const bodies = new Map<ContentCoding, Promise<Uint8Array<ArrayBuffer>>>();

  return {
    html,
    contentSecurityPolicy: buildContentSecurityPolicy(scriptHashes),
    scriptHashes,
    // RFC 9110 section 8.8.3: a strong validator differs between content codings of a resource.
    etag: (coding) => (coding === 'identity' ? `"${contentHash}"` : `"${contentHash}-${coding}"`),
    body: (coding) => {
      let body = bodies.get(coding);
      if (body === undefined) {
        body = encode(html, coding);
        // A failed compression is not kept, so the next request tries again.
        body.catch(() => bodies.delete(coding));
        bodies.set(coding, body);
      }
      return body;
    },
  };
}

/**
 * Serves GraphiQL on GET requests to the GraphQL endpoint that accept `text/html`, in place of
 * Yoga's `graphiql` option, which renders the 9 MB page again on every request and sends it
 * uncompressed with no CSP. Set `graphiql: false` in `createYoga` when using this plugin.
 */
export function useGraphiQLPage(options: GraphiQLPageOptions): GraphiQLPagePlugin {
  let preparing: Promise<GraphiQLPage> | undefined;
  const prepare = () => {
    preparing ??= loadRenderer(options.render).then((render) =>
      createGraphiQLPage({ ...options, render }),
    );
    return preparing;
  };
  const paths = new Set([options.endpoint, `${options.endpoint}/`]);

  return {
    prepare,
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!shouldRenderGraphiQL(request) || !paths.has(url.pathname)) return;

      const page = await prepare();
      const coding = negotiateContentCoding(request.headers.get('accept-encoding'));
      const etag = page.etag(coding);
      if (ifNoneMatchMatches(request.headers.get('if-none-match'), etag)) {
        endResponse(new fetchAPI.Response(null, { status: 304, headers: cachingHeaders(etag) }));
        return;
      }

      const body = await page.body(coding);
      const headers = { ...cachingHeaders(etag), ...pageHeaders(page, coding) };
      endResponse(new fetchAPI.Response(body, { status: 200, headers }));
    },
  };
}

/**
 * Returns the renderer, importing the 9 MB GraphiQL bundle only now: at start-up it would add
 * about 70 ms before the gateway can respond to /healthz.
 */
async function loadRenderer(
  render: GraphiQLPageOptions['render'],
): Promise<NonNullable<GraphiQLPageOptions['render']>> {
  if (render !== undefined) return render;
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  return renderGraphiQL;
}

/**
 * Builds the page's CSP. Everything GraphiQL needs is inline: its code and CSS, fonts and
 * images as data: URLs, and Monaco's editor workers, which the page starts from blob: URLs.
 */
export function buildContentSecurityPolicy(scriptHashes: string[]): string {
  const directives = [
    "default-src 'none'",
    `script-src ${scriptHashes.join(' ')}`,
    // Styles need 'unsafe-inline', checked in Chromium with GraphiQL 5 from render-graphiql
    // 5.24: Monaco positions every editor line with a style attribute (style-src-attr), and it
    // adds its theme colours in a <style class="monaco-colors"> element at run time
    // (style-src-elem). Blocking them draws all lines on top of each other. A hash of the static
    // <style> cannot be added, because browsers ignore 'unsafe-inline' next to a hash.
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    'font-src data:',
    "connect-src 'self'",
    'worker-src blob:',
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ];
  return directives.join('; ');
}

/**
 * Picks the content coding for an `Accept-Encoding` header (RFC 9110 section 12.5.3): br if
 * acceptable, then gzip, else identity. A coding is acceptable when it, or `*`, is listed with a
 * q-value above 0. Identity is sent even when the client rejects it, because nothing else is left.
 */
export function negotiateContentCoding(acceptEncoding: string | null): ContentCoding {
  if (acceptEncoding === null) return 'identity';

  const qualities = new Map<string, number>();
  for (const entry of acceptEncoding.split(',')) {
    const [name = '', ...parameters] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (name === '') continue;

    const qParameter = parameters.find((parameter) => /^q\s*=/.test(parameter));
    const quality = qParameter === undefined ? 1 : Number(qParameter.replace(/^q\s*=\s*/, ''));
    // RFC 9110 section 8.4.1.3: x-gzip is an alias of gzip.
    qualities.set(name === 'x-gzip' ? 'gzip' : name, Number.isNaN(quality) ? 0 : quality);
  }

  const isAcceptable = (coding: string) => (qualities.get(coding) ?? qualities.get('*') ?? 0) > 0;
  if (isAcceptable('br')) return 'br';
  if (isAcceptable('gzip')) return 'gzip';
  return 'identity';
}

/** Evaluates `If-None-Match` with the weak comparison that RFC 9110 section 13.1.2 requires. */
function ifNoneMatchMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  if (ifNoneMatch.trim() === '*') return true;

  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .includes(etag);
}

/**
 * Returns the headers that both a 200 and a 304 carry. RFC 9110 section 15.4.5 leaves the
 * representation's other metadata out of a 304.
 */
function cachingHeaders(etag: string): Record<string, string> {
  return { 'cache-control': 'no-cache', etag, vary: 'Accept-Encoding' };
}

function pageHeaders(page: GraphiQLPage, coding: ContentCoding): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': page.contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  if (coding !== 'identity') headers['content-encoding'] = coding;
  return headers;
}

/**
 * Compresses the page off the main thread. Measured with node:zlib on Node 20 on a 2-core AMD
 * EPYC VM, brotli quality 5 and gzip level 6 each take about 150 ms for the 9 MB page and give
 * 1.9 MB and 2.4 MB. Brotli quality 11 gives 1.7 MB but takes about 10 s.
 */
async function encode(html: string, coding: ContentCoding): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = Buffer.from(html, 'utf8');
  if (coding === 'br') {
    return brotliCompress(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_QUALITY]: 5,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    });
  }
  if (coding === 'gzip') return gzip(bytes, { level: 6 });
  return bytes;
}

/**
 * Returns the text of each inline `<script>` element (one without a `src` attribute) as the
 * HTML parser hands it to the CSP check, which hashes it after turning CR LF and CR into LF and
 * NUL into U+FFFD.
 *
 * NOTE: a script is taken to end at the first `</script`. The tokenizer's escape states for
 * `<!--` followed by `<script` inside a script are not modelled. The page that
 * `@graphql-yoga/render-graphiql` 5.24 renders does not enter them, and the browser test fails
 * when a hash does not match.
 */
function inlineScriptContents(html: string): string[] {
  const contents: string[] = [];
  for (const match of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script[\s/>]/gi)) {
    const attributes = match[1] ?? '';
    if (/\ssrc\s*=/i.test(attributes)) continue;

    contents.push((match[2] ?? '').replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD'));
  }
  return contents;
}

function cspHashSource(content: string): string {
  return `'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`;
}
