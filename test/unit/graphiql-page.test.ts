import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createSchema, createYoga, type GraphiQLOptions } from 'graphql-yoga';
import { describe, expect, it, vi } from 'vitest';
import {
  type ContentCoding,
  createGraphiQLPage,
  negotiateContentCoding,
  useGraphiQLPage,
} from '../../src/plugins/graphiql-page.js';

const PAGE_OPTIONS = {
  endpoint: '/graphql',
  title: 'Test gateway',
  defaultQuery: '{ a }',
};

function createTestYoga(render: (options: GraphiQLOptions) => string = renderGraphiQL) {
  return createYoga({
    schema: createSchema({
      typeDefs: 'type Query { a: String }',
      resolvers: { Query: { a: () => 'value of a' } },
    }),
    graphiql: false,
    landingPage: false,
    logging: false,
    plugins: [useGraphiQLPage({ ...PAGE_OPTIONS, render })],
  });
}

// One Yoga for the tests that do not count renders, because each render builds a 9 MB string.
const yoga = createTestYoga();

function getPage(headers: Record<string, string> = {}, path = '/graphql') {
  return yoga.fetch(`http://gateway.test${path}`, {
    headers: { accept: 'text/html,application/xhtml+xml', ...headers },
  });
}

async function bodyBytes(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

describe('useGraphiQLPage', () => {
  it('serves GraphiQL on a GET that accepts HTML', async () => {
    const response = await getPage();
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(html).toContain('<title>Test gateway</title>');
    expect(html).toContain(JSON.stringify(PAGE_OPTIONS.defaultQuery));
  });

  it('serves the page at the endpoint with a trailing slash', async () => {
    const response = await getPage({}, '/graphql/');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('does not serve the page on other paths', async () => {
    const response = await getPage({}, '/other');

    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBeNull();
  });

  it('sets the security and caching headers', async () => {
    const response = await getPage();

    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    expect(response.headers.get('content-security-policy')).not.toBeNull();
  });

  it('sends brotli and gzip bodies that decompress to the HTML', async () => {
    const identity = await bodyBytes(await getPage());
    const br = await getPage({ 'accept-encoding': 'gzip, deflate, br' });
    const gzip = await getPage({ 'accept-encoding': 'gzip, deflate' });

    expect(br.headers.get('content-encoding')).toBe('br');
    expect(gzip.headers.get('content-encoding')).toBe('gzip');

    const brBytes = await bodyBytes(br);
    const gzipBytes = await bodyBytes(gzip);
    expect(brBytes.length).toBeLessThan(identity.length / 3);
    expect(gzipBytes.length).toBeLessThan(identity.length / 3);
    expect(brotliDecompressSync(brBytes).equals(identity)).toBe(true);
    expect(gunzipSync(gzipBytes).equals(identity)).toBe(true);
  });

  it('gives each content coding its own strong ETag', async () => {
    const codings = ['identity', 'gzip', 'br'];
    const etags = await Promise.all(
      codings.map(async (coding) => (await getPage({ 'accept-encoding': coding })).headers),
    ).then((headers) => headers.map((header) => header.get('etag')));

    expect(new Set(etags).size).toBe(3);
    for (const etag of etags) {
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+(-br|-gzip)?"$/);
    }
  });

  it('returns 304 for a matching If-None-Match', async () => {
    const first = await getPage({ 'accept-encoding': 'br' });
    const etag = first.headers.get('etag') ?? '';

    const exact = await getPage({ 'accept-encoding': 'br', 'if-none-match': etag });
    const inList = await getPage({ 'accept-encoding': 'br', 'if-none-match': `"other", ${etag}` });
    const weak = await getPage({ 'accept-encoding': 'br', 'if-none-match': `W/${etag}` });

    expect(exact.status).toBe(304);
    expect(await exact.text()).toBe('');
    expect(exact.headers.get('etag')).toBe(etag);
    expect(exact.headers.get('vary')).toBe('Accept-Encoding');
    expect(exact.headers.get('cache-control')).toBe('no-cache');
    expect(exact.headers.get('content-encoding')).toBeNull();
    expect(inList.status).toBe(304);
    expect(weak.status).toBe(304);
  });

  it('returns 200 when If-None-Match names another coding', async () => {
    const brEtag = (await getPage({ 'accept-encoding': 'br' })).headers.get('etag') ?? '';

    const gzip = await getPage({ 'accept-encoding': 'gzip', 'if-none-match': brEtag });

    expect(gzip.status).toBe(200);
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
  });

  it('allows the inline script by hash in the CSP', async () => {
    const response = await getPage();
    const html = await response.text();
    const csp = response.headers.get('content-security-policy') ?? '';
    const script = textBetween(html, '<script>', '</script>');

    expect(directive(csp, 'script-src')).toBe(`script-src ${cspHash(script)}`);
    expect(directive(csp, 'style-src')).toBe("style-src 'unsafe-inline'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("form-action 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(directive(csp, 'worker-src')).toBe('worker-src blob:');
    expect(directive(csp, 'font-src')).toBe('font-src data:');
    expect(directive(csp, 'img-src')).toBe("img-src 'self' data:");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('references no other host', async () => {
    const html = await (await getPage()).text();

    const loads = [...html.matchAll(/(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map(
      (match) => match[1] ?? '',
    );
    const absoluteLoads = loads.filter((url) => /^(https?:)?\/\//i.test(url));
    const imports = [...html.matchAll(/import\s*\(\s*["'`](https?:)?\/\/[^"'`]+["'`]/gi)];

    expect(loads.length).toBeGreaterThan(0);
    expect(absoluteLoads).toEqual([]);
    expect(imports.map((match) => match[0])).toEqual([]);
  });

  it('leaves JSON GET queries to Yoga', async () => {
    const response = await yoga.fetch('http://gateway.test/graphql?query=%7Ba%7D', {
      headers: { accept: 'application/graphql-response+json, application/json' },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { a: 'value of a' } });
  });

  it('leaves POST requests that accept HTML to Yoga', async () => {
    const response = await yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { accept: 'text/html, application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ a }' }),
    });

    expect(await response.json()).toEqual({ data: { a: 'value of a' } });
  });

  it('renders the page once for all requests', async () => {
    const render = vi.fn(renderGraphiQL);
    const countingYoga = createTestYoga(render);

    const first = await countingYoga.fetch('http://gateway.test/graphql', {
      headers: { accept: 'text/html' },
    });
    const second = await countingYoga.fetch('http://gateway.test/graphql', {
      headers: { accept: 'text/html' },
    });

    expect(render).toHaveBeenCalledTimes(1);
    expect(render).toHaveBeenCalledWith({
      title: PAGE_OPTIONS.title,
      defaultQuery: PAGE_OPTIONS.defaultQuery,
    });
    expect((await bodyBytes(first)).equals(await bodyBytes(second))).toBe(true);
  });
});

describe('useGraphiQLPage prepare', () => {
  it('renders the page ahead of the first request, and only once', async () => {
    const render = vi.fn(renderGraphiQL);
    const plugin = useGraphiQLPage({ ...PAGE_OPTIONS, render });

    const prepared = await plugin.prepare();
    await plugin.prepare();
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { a: String }' }),
      graphiql: false,
      plugins: [plugin],
    });
    const response = await yoga.fetch('http://gateway.test/graphql', {
      headers: { accept: 'text/html' },
    });

    expect(render).toHaveBeenCalledTimes(1);
    expect(response.headers.get('etag')).toBe(prepared.etag('identity'));
  });
});

describe('createGraphiQLPage', () => {
  const render = vi.fn(renderGraphiQL);
  const page = createGraphiQLPage({ ...PAGE_OPTIONS, render });

  it('compresses each coding once', async () => {
    const first = await page.body('gzip');
    const second = await page.body('gzip');

    expect(second).toBe(first);
  });

  it('hashes the exact inline code', () => {
    const script = textBetween(page.html, '<script>', '</script>');

    expect(page.scriptHashes).toEqual([cspHash(script)]);
  });

  it('derives the ETag from the HTML', () => {
    const hash = createHash('sha256').update(page.html).digest('base64url');

    expect(page.etag('identity')).toBe(`"${hash}"`);
    expect(page.etag('br')).toBe(`"${hash}-br"`);
    expect(page.etag('gzip')).toBe(`"${hash}-gzip"`);
  });
});

describe('negotiateContentCoding', () => {
  const cases: Array<[string | null, ContentCoding]> = [
    [null, 'identity'],
    ['', 'identity'],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['x-gzip', 'gzip'],
    ['deflate', 'identity'],
    ['br;q=0, gzip;q=0.5', 'gzip'],
    ['BR', 'br'],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['identity', 'identity'],
    ['br; q=invalid, gzip', 'gzip'],
  ];

  it.each(cases)('maps %j to %s', (acceptEncoding, expected) => {
    expect(negotiateContentCoding(acceptEncoding)).toBe(expected);
  });
});

function textBetween(html: string, start: string, end: string): string {
  const from = html.indexOf(start) + start.length;
  return html.slice(from, html.indexOf(end, from));
}

function cspHash(content: string): string {
  return `'sha256-${createHash('sha256').update(content).digest('base64')}'`;
}

function directive(csp: string, name: string): string {
  const directives = csp.split(';').map((entry) => entry.trim());
  return directives.find((entry) => entry.startsWith(`${name} `)) ?? '';
}
