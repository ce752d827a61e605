import { afterEach, describe, expect, it } from 'vitest';
import { buildQuery, expectUpstreamUntouched } from '../helpers/probe.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function post(body: BodyInit, headers: Record<string, string>, extra: RequestInit = {}) {
  if (gateway === undefined) throw new Error('gateway not started');
  return fetch(`${gateway.url}/graphql`, { method: 'POST', body, headers, ...extra });
}

describe('request body limit', () => {
  it('returns 413 for a body over MAX_BODY_BYTES', async () => {
    gateway = await startGateway();
    const body = JSON.stringify({
      query: buildQuery('big-body-probe'),
      padding: 'x'.repeat(110_000),
    });

    const response = await post(body, { 'content-type': 'application/json' });

    expect(response.status).toBe(413);
    await expectUpstreamUntouched(gateway, 'big-body-probe');
  });

  it('returns 413 for a chunked body without Content-Length once it passes the limit', async () => {
    gateway = await startGateway({ env: { MAX_BODY_BYTES: '2048' } });
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Stops by itself: a server that read everything would see 64 KiB and then the query.
        if (sent >= 64) {
          controller.enqueue(
            new TextEncoder().encode(JSON.stringify({ query: buildQuery('chunk-probe') })),
          );
          controller.close();
          return;
        }
        sent += 1;
        controller.enqueue(chunk);
      },
    });

    const response = await post(stream, { 'content-type': 'application/json' }, {
      duplex: 'half',
    } as RequestInit);

    expect(response.status).toBe(413);
    await expectUpstreamUntouched(gateway, 'chunk-probe');
  });
});

describe('cross-site request forgery', () => {
  it.each([
    [
      'a form post',
      'application/x-www-form-urlencoded',
      `query=${encodeURIComponent(buildQuery('csrf-probe'))}`,
    ],
    ['text/plain', 'text/plain', JSON.stringify({ query: buildQuery('csrf-probe') })],
    [
      'multipart',
      'multipart/form-data; boundary=x',
      `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: buildQuery('csrf-probe') })}\r\n--x--\r\n`,
    ],
    ['application/graphql', 'application/graphql', buildQuery('csrf-probe')],
  ])('rejects %s with 415', async (_case, contentType, body) => {
    gateway = await startGateway();

    const response = await post(body, { 'content-type': contentType });
    const json = await response.json();

    expect(response.status).toBe(415);
    expect(json.errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    await expectUpstreamUntouched(gateway, 'csrf-probe');
  });

  it('rejects a POST without Content-Type', async () => {
    gateway = await startGateway();

    const response = await post(
      new Blob([JSON.stringify({ query: buildQuery('csrf-probe') })]),
      {},
    );

    expect(response.status).toBe(415);
    await expectUpstreamUntouched(gateway, 'csrf-probe');
  });

  it('accepts a JSON POST with a charset', async () => {
    gateway = await startGateway();

    const response = await post(JSON.stringify({ query: buildQuery('charset-ok') }), {
      'content-type': 'application/json; charset=utf-8',
    });

    expect(response.status).toBe(200);
    expect(gateway.simulator.callCount()).toBe(1);
  });
});

describe('CORS', () => {
  it('allows a listed origin without credentials', async () => {
    gateway = await startGateway({ env: { CORS_ORIGINS: 'https://app.example.com' } });

    const preflight = await fetch(`${gateway.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, x-evil',
      },
    });

    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'authorization, content-type',
    );
    expect(preflight.headers.get('vary')).toContain('Origin');
  });

  it('gives an unlisted origin no CORS headers', async () => {
    gateway = await startGateway({ env: { CORS_ORIGINS: 'https://app.example.com' } });

    const response = await gateway.query(buildQuery('cors-probe'), {
      headers: { origin: 'https://evil.example' },
    });

    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('allows no cross-origin request when CORS_ORIGINS is unset', async () => {
    gateway = await startGateway();

    const preflight = await fetch(`${gateway.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });

    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('response headers', () => {
  it.each(['/graphql', '/healthz', '/readyz', '/nowhere'])(
    'sets nosniff and no X-Powered-By on %s',
    async (path) => {
      gateway = await startGateway();

      const response = await fetch(`${gateway.url}${path}`, {
        headers: { accept: 'application/json' },
      });

      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-powered-by')).toBeNull();
    },
  );

  it('marks GraphQL responses as private to the caller', async () => {
    gateway = await startGateway();

    const response = await gateway.query(buildQuery('joyous-view-6290'));
    const vary = (response.headers.get('vary') ?? '').split(',').map((name) => name.trim());

    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(vary).toContain('Authorization');
    expect(vary).toContain('Origin');
  });
});

describe('node:http timeouts', () => {
  it('bounds slow clients and outlives load balancer idle timeouts', async () => {
    gateway = await startGateway();
    const { server } = gateway.running;

    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(30_000);
    expect(server.keepAliveTimeout).toBe(65_000);
    expect(server.timeout).toBe(0);
  });

  it('reads KEEP_ALIVE_TIMEOUT_MS', async () => {
    gateway = await startGateway({ env: { KEEP_ALIVE_TIMEOUT_MS: '90000' } });

    expect(gateway.running.server.keepAliveTimeout).toBe(90_000);
  });
});

describe('paths', () => {
  it.each(['/graphql/', '/anything/graphql', '/?a=/graphql', '/x?/graphql/'])(
    'serves nothing at %s, so no check can be bypassed there',
    async (path) => {
      gateway = await startGateway();

      const response = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `query=${encodeURIComponent(buildQuery('path-probe'))}`,
      });

      expect(response.status).toBe(404);
      await expectUpstreamUntouched(gateway, 'path-probe');
    },
  );
});

describe('Host header', () => {
  it('rejects a foreign Host while listening on loopback, against DNS rebinding', async () => {
    gateway = await startGateway();
    const { request } = await import('undici');

    const response = await request(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { host: 'rebound.attacker.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: buildQuery('rebind-probe') }),
    });
    await response.body.text();

    expect(response.statusCode).toBe(421);
    await expectUpstreamUntouched(gateway, 'rebind-probe');
  });

  it('accepts localhost with a port', async () => {
    gateway = await startGateway();
    const port = new URL(gateway.url).port;

    const response = await fetch(`http://localhost:${port}/healthz`);

    expect(response.status).toBe(200);
  });

  it('accepts only ALLOWED_HOSTS when set', async () => {
    gateway = await startGateway({ env: { ALLOWED_HOSTS: 'gateway.example.com' } });
    const { request } = await import('undici');

    const allowed = await request(`${gateway.url}/graphql?query=%7B__typename%7D`, {
      headers: { host: 'gateway.example.com' },
    });
    const other = await request(`${gateway.url}/graphql?query=%7B__typename%7D`, {
      headers: { host: 'other.example.com' },
    });
    await allowed.body.text();
    await other.body.text();

    expect(allowed.statusCode).toBe(200);
    expect(other.statusCode).toBe(421);
  });

  it('answers health probes addressed by IP whatever ALLOWED_HOSTS says', async () => {
    gateway = await startGateway({ env: { ALLOWED_HOSTS: 'gateway.example.com' } });
    const { request } = await import('undici');

    const response = await request(`${gateway.url}/readyz`, { headers: { host: '10.1.2.3:4000' } });
    await response.body.text();

    expect(response.statusCode).toBe(200);
  });

  it('accepts any host with ALLOWED_HOSTS=*', async () => {
    gateway = await startGateway({ env: { ALLOWED_HOSTS: '*' } });
    const { request } = await import('undici');

    const response = await request(`${gateway.url}/healthz`, {
      headers: { host: 'anything.example' },
    });
    await response.body.text();

    expect(response.statusCode).toBe(200);
  });
});

describe('malformed requests', () => {
  it.each(['::1', '[', 'a b', 'x:y:z'])(
    'answers Host %j with a JSON 400, not a stack trace',
    async (host) => {
      gateway = await startGateway();
      const { port } = new URL(gateway.url);
      const net = await import('node:net');

      const raw = await new Promise<string>((resolve, reject) => {
        let received = '';
        const socket = net.connect(Number(port), '127.0.0.1', () => {
          socket.write(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
        });
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          received += chunk;
        });
        socket.on('end', () => resolve(received));
        socket.on('error', reject);
      });

      expect(raw).toMatch(/^HTTP\/1\.1 400/);
      expect(raw).toContain('"code":"BAD_REQUEST"');
      expect(raw).toMatch(/x-request-id: \S+/i);
      expect(raw).not.toContain('TypeError');
    },
  );

  it('accepts a Content-Type in upper case', async () => {
    gateway = await startGateway();

    const response = await post(JSON.stringify({ query: buildQuery('upper-case-type') }), {
      'content-type': 'APPLICATION/JSON',
    });

    expect(response.status).toBe(200);
    expect(gateway.simulator.callCount()).toBe(1);
  });
});

describe('cross-site GET operations', () => {
  const crossSite = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' };

  it('rejects a GET operation that a page of another site made the browser send', async () => {
    gateway = await startGateway();

    const response = await fetch(
      `${gateway.url}/graphql?query=${encodeURIComponent(buildQuery('cross-site-probe'))}`,
      { headers: crossSite },
    );

    expect(response.status).toBe(403);
    await expectUpstreamUntouched(gateway, 'cross-site-probe');
  });

  it('lets a GET operation from an origin in CORS_ORIGINS through', async () => {
    gateway = await startGateway({ env: { CORS_ORIGINS: 'https://app.example.com' } });

    const response = await fetch(
      `${gateway.url}/graphql?query=${encodeURIComponent(buildQuery('allowed-cross-site'))}`,
      { headers: { ...crossSite, origin: 'https://app.example.com' } },
    );

    expect(response.status).toBe(200);
    expect(gateway.simulator.callCount()).toBe(1);
  });

  it('serves the GraphiQL page to a link from another site', async () => {
    gateway = await startGateway();

    const response = await fetch(`${gateway.url}/graphql`, {
      headers: {
        accept: 'text/html',
        'sec-fetch-site': 'cross-site',
        'sec-fetch-mode': 'navigate',
      },
    });

    expect(response.status).toBe(200);
  });
});
