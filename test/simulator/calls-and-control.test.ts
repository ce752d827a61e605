import { afterEach, describe, expect, it } from 'vitest';
import {
  createSimulator,
  DEMO_BUILDS,
  type RecordedCall,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator/index.js';

const AUTHORIZATION = 'Bearer calls-test-token';
const { projectId, serviceId, buildId } = DEMO_BUILDS.example;
const BUILD_PATH = `/v1/projects/${projectId}/services/${serviceId}/build/${buildId}`;

let simulator: Simulator | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function start(options: SimulatorOptions = {}): Promise<string> {
  simulator = createSimulator({ hourlyLimit: 0, ...options });
  return simulator.listen();
}

function get(baseUrl: string, path: string): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { headers: { authorization: AUTHORIZATION } });
}

describe('simulator lifecycle', () => {
  it('listens on 127.0.0.1 with a free port', async () => {
    const baseUrl = await start();

    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(simulator?.url).toBe(baseUrl);
  });

  it('throws from url when not listening', async () => {
    simulator = createSimulator();

    expect(() => simulator?.url).toThrow(/not listening/);
  });

  it('rejects a second listen', async () => {
    await start();

    await expect(simulator?.listen()).rejects.toThrow(/already listening/);
  });

  it('closes twice without error', async () => {
    await start();

    await simulator?.close();
    await simulator?.close();

    expect(() => simulator?.url).toThrow(/not listening/);
  });
});

describe('simulator routes', () => {
  it('returns 404 with the envelope for an unknown path', async () => {
    const baseUrl = await start();

    const response = await get(baseUrl, '/v1/projects/p/services/s/builds');
    const body = (await response.json()) as { error: { status: number; message: string } };

    expect(response.status).toBe(404);
    expect(body.error.status).toBe(404);
    expect(body.error.message).toContain('no route for GET');
  });

  it('returns 405 for other methods on the build route', async () => {
    const baseUrl = await start();

    const response = await fetch(`${baseUrl}${BUILD_PATH}`, {
      method: 'DELETE',
      headers: { authorization: AUTHORIZATION },
    });
    const body = (await response.json()) as { error: { status: number } };

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(body.error.status).toBe(405);
  });
});

describe('simulator call recording', () => {
  it('records the raw request target', async () => {
    const now = Date.parse('2025-01-01T00:00:00.000Z');
    const baseUrl = await start({ now: () => now });
    const rawPath = `${BUILD_PATH}?trace=1&b=%41`;

    await get(baseUrl, rawPath);
    await fetch(`${baseUrl}/unknown`);

    const expected: RecordedCall[] = [
      { method: 'GET', path: rawPath, authorization: true, at: now },
      { method: 'GET', path: '/unknown', authorization: false, at: now },
    ];
    expect(simulator?.calls).toEqual(expected);
  });

  it('counts calls overall and per path', async () => {
    const baseUrl = await start();
    const otherPath = '/v1/projects/p/services/s/build/other';

    await get(baseUrl, BUILD_PATH);
    await get(baseUrl, BUILD_PATH);
    await get(baseUrl, otherPath);

    expect(simulator?.callCount()).toBe(3);
    expect(simulator?.callCount(BUILD_PATH)).toBe(2);
    expect(simulator?.callCount(otherPath)).toBe(1);
    expect(simulator?.callCount('/never-called')).toBe(0);
  });

  it('measures the maximum requests in flight', async () => {
    const baseUrl = await start();
    simulator?.addFault({ fault: { kind: 'latency', ms: 100 } });
    const otherPath = '/v1/projects/p/services/s/build/other';

    await Promise.all([
      get(baseUrl, BUILD_PATH),
      get(baseUrl, BUILD_PATH),
      get(baseUrl, BUILD_PATH),
      get(baseUrl, otherPath),
    ]);
    await get(baseUrl, otherPath);

    expect(simulator?.maxInFlight()).toBe(4);
    expect(simulator?.maxInFlight(BUILD_PATH)).toBe(3);
    expect(simulator?.maxInFlight(otherPath)).toBe(1);
  });

  it('counts a request closed by the client as finished', async () => {
    const baseUrl = await start();
    simulator?.addFault({ fault: { kind: 'hang' }, times: 1 });

    await fetch(`${baseUrl}${BUILD_PATH}`, {
      headers: { authorization: AUTHORIZATION },
      signal: AbortSignal.timeout(50),
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    simulator?.resetCalls();
    await get(baseUrl, BUILD_PATH);

    expect(simulator?.maxInFlight()).toBe(1);
  });

  it('clears calls, counts and maxima with resetCalls', async () => {
    const baseUrl = await start();
    await get(baseUrl, BUILD_PATH);

    simulator?.resetCalls();

    expect(simulator?.calls).toEqual([]);
    expect(simulator?.callCount()).toBe(0);
    expect(simulator?.callCount(BUILD_PATH)).toBe(0);
    expect(simulator?.maxInFlight()).toBe(0);
    expect(simulator?.maxInFlight(BUILD_PATH)).toBe(0);
  });

  it('returns a snapshot from calls', async () => {
    const baseUrl = await start();
    const before = simulator?.calls;

    await get(baseUrl, BUILD_PATH);

    expect(before).toEqual([]);
    expect(simulator?.calls).toHaveLength(1);
  });
});

describe('simulator control routes', () => {
  it('serves plain 404s without controlRoutes', async () => {
    const baseUrl = await start();

    const add = await fetch(`${baseUrl}/__simulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ fault: { kind: 'status', status: 500 } }),
    });
    const calls = await fetch(`${baseUrl}/__simulator/calls`);

    expect(add.status).toBe(404);
    expect(calls.status).toBe(404);
    expect(simulator?.callCount()).toBe(2);
  });

  it('adds and clears faults over HTTP', async () => {
    const baseUrl = await start({ controlRoutes: true });

    const added = await fetch(`${baseUrl}/__simulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: { kind: 'status', status: 503 }, buildId }),
    });
    const faulted = await get(baseUrl, BUILD_PATH);
    const cleared = await fetch(`${baseUrl}/__simulator/faults`, { method: 'DELETE' });
    const normal = await get(baseUrl, BUILD_PATH);

    expect(added.status).toBe(201);
    expect(faulted.status).toBe(503);
    expect(cleared.status).toBe(204);
    expect(normal.status).toBe(200);
  });

  it('rejects an invalid fault rule over HTTP', async () => {
    const baseUrl = await start({ controlRoutes: true });

    const notJson = await fetch(`${baseUrl}/__simulator/faults`, { method: 'POST', body: '{' });
    const wrongKind = await fetch(`${baseUrl}/__simulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ fault: { kind: 'explode' } }),
    });
    const body = (await wrongKind.json()) as { error: { message: string } };

    expect(notJson.status).toBe(400);
    expect(wrongKind.status).toBe(400);
    expect(body.error.message).toContain('fault.kind "explode"');
  });

  it('rejects a fault rule body over 64 KiB', async () => {
    const baseUrl = await start({ controlRoutes: true });

    const response = await fetch(`${baseUrl}/__simulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ fault: { kind: 'raw', status: 200, body: 'x'.repeat(70_000) } }),
    });

    expect(response.status).toBe(413);
  });

  it('lists recorded calls over HTTP without recording itself', async () => {
    const baseUrl = await start({ controlRoutes: true });
    await get(baseUrl, BUILD_PATH);

    const response = await fetch(`${baseUrl}/__simulator/calls`);
    const body = (await response.json()) as {
      data: { calls: RecordedCall[]; count: number; maxInFlight: number };
    };

    expect(response.status).toBe(200);
    expect(body.data.count).toBe(1);
    expect(body.data.maxInFlight).toBe(1);
    expect(body.data.calls[0]?.path).toBe(BUILD_PATH);
    expect(simulator?.callCount()).toBe(1);
  });

  it('clears recorded calls over HTTP', async () => {
    const baseUrl = await start({ controlRoutes: true });
    await get(baseUrl, BUILD_PATH);

    const response = await fetch(`${baseUrl}/__simulator/calls`, { method: 'DELETE' });

    expect(response.status).toBe(204);
    expect(simulator?.callCount()).toBe(0);
  });

  it('returns 405 and 404 for other control requests', async () => {
    const baseUrl = await start({ controlRoutes: true });

    const wrongMethod = await fetch(`${baseUrl}/__simulator/calls`, { method: 'POST' });
    const unknown = await fetch(`${baseUrl}/__simulator/unknown`);

    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, DELETE');
    expect(unknown.status).toBe(404);
  });
});
