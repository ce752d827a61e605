import { Client, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSimulator,
  DEFAULT_LARGE_BODY_BYTES,
  DEMO_BUILDS,
  type FaultRule,
  InvalidFaultRuleError,
  type Simulator,
} from '../../src/simulator/index.js';

const AUTHORIZATION = 'Bearer faults-test-token';

function buildPath(buildId: string): string {
  return `/v1/projects/demo-project/services/web-app/build/${buildId}`;
}

const EXAMPLE_PATH = buildPath(DEMO_BUILDS.example.buildId);
const OTHER_PATH = buildPath(DEMO_BUILDS.running.buildId);

let simulator: Simulator | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function startWith(...rules: FaultRule[]): Promise<string> {
  simulator = createSimulator({ hourlyLimit: 0 });
  for (const rule of rules) simulator.addFault(rule);
  return simulator.listen();
}

function get(baseUrl: string, path = EXAMPLE_PATH): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { headers: { authorization: AUTHORIZATION } });
}

describe('simulator response faults', () => {
  it('delays the normal answer with latency', async () => {
    const baseUrl = await startWith({ fault: { kind: 'latency', ms: 150 } });

    const startedAt = performance.now();
    const response = await get(baseUrl);
    const elapsedMs = performance.now() - startedAt;
    const body = (await response.json()) as { data: { id: string } };

    expect(response.status).toBe(200);
    expect(body.data.id).toBe(DEMO_BUILDS.example.buildId);
    expect(elapsedMs).toBeGreaterThanOrEqual(140);
  });

  it('sends the error envelope for a status fault', async () => {
    const baseUrl = await startWith({ fault: { kind: 'status', status: 503 } });

    const response = await get(baseUrl);
    const body = (await response.json()) as { error: { status: number; message: string } };

    expect(response.status).toBe(503);
    expect(body.error.status).toBe(503);
    expect(body.error.message).toBe('Service unavailable');
  });

  it('sends the message and headers of a status fault', async () => {
    const baseUrl = await startWith({
      fault: {
        kind: 'status',
        status: 403,
        message: 'No access',
        headers: { 'x-request-id': 'r-1' },
      },
    });

    const response = await get(baseUrl);
    const body = (await response.json()) as { error: { message: string } };

    expect(response.status).toBe(403);
    expect(response.headers.get('x-request-id')).toBe('r-1');
    expect(body.error.message).toBe('No access');
  });

  it('sends 204 without a body for a status fault', async () => {
    const baseUrl = await startWith({ fault: { kind: 'status', status: 204 } });

    const response = await get(baseUrl);

    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('sends 429 with Retry-After for a rate-limit fault', async () => {
    const baseUrl = await startWith({ fault: { kind: 'rate-limit', retryAfter: '7' } });

    const response = await get(baseUrl);
    const body = (await response.json()) as { error: { status: number } };

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(body.error.status).toBe(429);
  });

  it('omits Retry-After when the rate-limit fault has none', async () => {
    const baseUrl = await startWith({ fault: { kind: 'rate-limit' } });

    const response = await get(baseUrl);

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBeNull();
  });

  it('sends an HTML page for a malformed-body fault', async () => {
    const baseUrl = await startWith({ fault: { kind: 'malformed-body' } });

    const response = await get(baseUrl);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(text).toMatch(/^<!DOCTYPE html>/);
  });

  it('sends 200 with an empty body for an empty-body fault', async () => {
    const baseUrl = await startWith({ fault: { kind: 'empty-body' } });

    const response = await get(baseUrl);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.text()).toBe('');
  });

  it('sends 204 for an empty-body fault with that status', async () => {
    const baseUrl = await startWith({ fault: { kind: 'empty-body', status: 204 } });

    const response = await get(baseUrl);

    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('sends the exact response of a raw fault', async () => {
    const baseUrl = await startWith({
      fault: {
        kind: 'raw',
        status: 502,
        body: 'upstream gone',
        headers: { 'content-type': 'text/plain' },
      },
    });

    const response = await get(baseUrl);

    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe('upstream gone');
  });

  it('applies a fault to the next times requests only', async () => {
    const baseUrl = await startWith({ fault: { kind: 'status', status: 500 }, times: 2 });

    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await get(baseUrl)).status);

    expect(statuses).toEqual([500, 500, 200]);
  });

  it('applies a fault with buildId to that build only', async () => {
    const baseUrl = await startWith({
      fault: { kind: 'status', status: 500 },
      buildId: DEMO_BUILDS.example.buildId,
    });

    const other = await get(baseUrl, OTHER_PATH);
    const target = await get(baseUrl, EXAMPLE_PATH);

    expect(other.status).toBe(200);
    expect(target.status).toBe(500);
  });

  it('uses the first matching rule', async () => {
    const baseUrl = await startWith(
      { fault: { kind: 'status', status: 502 }, times: 1 },
      { fault: { kind: 'status', status: 504 } },
    );

    const first = await get(baseUrl);
    const second = await get(baseUrl);

    expect(first.status).toBe(502);
    expect(second.status).toBe(504);
  });

  it('removes every rule with clearFaults', async () => {
    const baseUrl = await startWith({ fault: { kind: 'status', status: 500 } });
    simulator?.clearFaults();

    const response = await get(baseUrl);

    expect(response.status).toBe(200);
  });

  it('checks authentication before faults', async () => {
    const baseUrl = await startWith({ fault: { kind: 'status', status: 500 } });

    const response = await fetch(`${baseUrl}${EXAMPLE_PATH}`);

    expect(response.status).toBe(401);
  });

  it('rejects an invalid fault rule', () => {
    simulator = createSimulator();

    const invalid = [
      { fault: { kind: 'latency', ms: -1 } },
      { fault: { kind: 'status', status: 99 } },
      { fault: { kind: 'nonsense' } },
      { fault: { kind: 'hang' }, times: 0 },
      { fault: { kind: 'raw', status: 200, body: 'x', headers: { 'bad header': 'x' } } },
    ];
    for (const rule of invalid) {
      expect(() => simulator?.addFault(rule as FaultRule), JSON.stringify(rule)).toThrow(
        InvalidFaultRuleError,
      );
    }
  });
});

describe('simulator hang fault', () => {
  it('keeps the request open until close', async () => {
    const baseUrl = await startWith({ fault: { kind: 'hang' } });

    const pending = get(baseUrl).then(
      () => 'answered',
      () => 'failed',
    );
    const raced = await Promise.race([
      pending,
      new Promise((resolve) => setTimeout(() => resolve('still pending'), 200)),
    ]);
    await simulator?.close();

    expect(raced).toBe('still pending');
    expect(await pending).toBe('failed');
  });

  it('lets the client give up', async () => {
    const baseUrl = await startWith({ fault: { kind: 'hang' } });

    const result = await fetch(`${baseUrl}${EXAMPLE_PATH}`, {
      headers: { authorization: AUTHORIZATION },
      signal: AbortSignal.timeout(100),
    }).catch((error: Error) => error.name);

    expect(result).toBe('TimeoutError');
  });

  it('cancels a pending latency on close', async () => {
    const baseUrl = await startWith({ fault: { kind: 'latency', ms: 60_000 } });

    const pending = get(baseUrl).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const startedAt = performance.now();
    await simulator?.close();

    expect(await pending).toBe('failed');
    expect(performance.now() - startedAt).toBeLessThan(1000);
  });
});

describe('simulator socket faults', () => {
  it('delays the header block with slow-headers', async () => {
    const baseUrl = await startWith({ fault: { kind: 'slow-headers', ms: 150 } });

    const startedAt = performance.now();
    const response = await request(`${baseUrl}${EXAMPLE_PATH}`, {
      headers: { authorization: AUTHORIZATION },
    });
    const elapsedMs = performance.now() - startedAt;
    const body = (await response.body.json()) as { data: { id: string } };

    expect(response.statusCode).toBe(200);
    expect(body.data.id).toBe(DEMO_BUILDS.example.buildId);
    expect(elapsedMs).toBeGreaterThanOrEqual(140);
  });

  it('times out a client waiting on slow-headers', async () => {
    const baseUrl = await startWith({ fault: { kind: 'slow-headers', ms: 5_000 } });
    const client = new Client(baseUrl, { headersTimeout: 100 });

    const error = await client
      .request({ method: 'GET', path: EXAMPLE_PATH, headers: { authorization: AUTHORIZATION } })
      .catch((caught: { code?: string }) => caught);
    await client.destroy();

    expect((error as { code?: string }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
  });

  it('sends the whole body slowly with drip-body', async () => {
    const baseUrl = await startWith({
      fault: { kind: 'drip-body', intervalMs: 5, chunkBytes: 64 },
    });

    const startedAt = performance.now();
    const response = await get(baseUrl);
    const body = (await response.json()) as { data: { id: string } };
    const elapsedMs = performance.now() - startedAt;

    // The example body has more than 192 bytes, so at least 3 intervals pass between 4 chunks.
    expect(body.data.id).toBe(DEMO_BUILDS.example.buildId);
    expect(elapsedMs).toBeGreaterThanOrEqual(14);
  });

  it('times out a client reading a dripping body', async () => {
    const baseUrl = await startWith({ fault: { kind: 'drip-body', intervalMs: 1_000 } });
    const client = new Client(baseUrl, { bodyTimeout: 100 });

    const response = await client.request({
      method: 'GET',
      path: EXAMPLE_PATH,
      headers: { authorization: AUTHORIZATION },
    });
    const error = await response.body.text().catch((caught: { code?: string }) => caught);
    await client.destroy();

    expect((error as { code?: string }).code).toBe('UND_ERR_BODY_TIMEOUT');
  });

  it('cuts the body short with reset-mid-body', async () => {
    const baseUrl = await startWith({ fault: { kind: 'reset-mid-body' } });

    const outcome = await request(`${baseUrl}${EXAMPLE_PATH}`, {
      headers: { authorization: AUTHORIZATION },
    }).then(
      (response) =>
        response.body.text().then(
          () => 'complete',
          () => 'body failed',
        ),
      () => 'request failed',
    );

    expect(['body failed', 'request failed']).toContain(outcome);
  });

  it('sends half the JSON with truncated-json', async () => {
    const baseUrl = await startWith({ fault: { kind: 'truncated-json' } });

    const response = await get(baseUrl);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(text.startsWith('{"data":{"id":"joyous-view-6290"')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('sends 20 MiB of valid JSON with large-body', async () => {
    const baseUrl = await startWith({ fault: { kind: 'large-body' } });

    const response = await get(baseUrl);
    const text = await response.text();
    const body = JSON.parse(text) as { data: { id: string }; padding: string };

    expect(Buffer.byteLength(text)).toBe(DEFAULT_LARGE_BODY_BYTES);
    expect(body.data.id).toBe(DEMO_BUILDS.example.buildId);
  });

  it('resets a reused keep-alive socket only', async () => {
    const baseUrl = await startWith({ fault: { kind: 'reset-reused-socket' }, times: 1 });
    const client = new Client(baseUrl, { pipelining: 1 });
    const send = () =>
      client.request({
        method: 'GET',
        path: EXAMPLE_PATH,
        headers: { authorization: AUTHORIZATION },
      });

    const first = await send();
    await first.body.text();
    const second = await send().then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );
    const third = await send();
    await third.body.text();
    await client.destroy();

    expect(first.statusCode).toBe(200);
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(second);
    expect(third.statusCode).toBe(200);
  });
});
