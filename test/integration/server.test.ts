import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs, LOG_LEVEL } from '../helpers/capture-logs.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('GraphiQL', () => {
  it('serves GraphiQL to a browser at /graphql', async () => {
    gateway = await startGateway();

    const response = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('joyous-view-6290');
  });

  it('references no other host', async () => {
    gateway = await startGateway();

    const html = await (
      await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } })
    ).text();
    const loads = [...html.matchAll(/(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map(
      (match) => match[1],
    );
    const absoluteLoads = loads.filter((url) => /^(https?:)?\/\//i.test(url ?? ''));
    const imports = [...html.matchAll(/import\s*\(?\s*["'](https?:)?\/\/[^"']+["']/gi)];

    expect(absoluteLoads).toEqual([]);
    expect(imports).toEqual([]);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|cdnjs|esm\.sh/i);
  });

  it('returns the demo build for the default query', async () => {
    gateway = await startGateway();
    const { DEFAULT_QUERY } = await import('../../src/gateway.js');

    const response = await gateway.query(DEFAULT_QUERY);

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.serviceBuild).toMatchObject({
      id: 'joyous-view-6290',
      status: 'SUCCESS',
    });
  });
});

describe('health endpoints', () => {
  it('keeps an incoming x-request-id on /healthz', async () => {
    gateway = await startGateway();

    const response = await fetch(`${gateway.url}/healthz`, {
      headers: { 'x-request-id': 'lb-abc' },
    });

    expect(response.headers.get('x-request-id')).toBe('lb-abc');
  });

  it('answers /healthz with 200', async () => {
    gateway = await startGateway();

    const response = await fetch(`${gateway.url}/healthz`);

    expect(response.status).toBe(200);
  });

  it('answers /readyz with 200, then 503 once shutdown begins', async () => {
    gateway = await startGateway();

    const before = await fetch(`${gateway.url}/readyz`);
    gateway.gateway.markShuttingDown();
    const after = await fetch(`${gateway.url}/readyz`);

    expect(before.status).toBe(200);
    expect(after.status).toBe(503);
  });
});

describe('shutdown', () => {
  it('returns 503 from /readyz on new connections while it drains', async () => {
    const started = await startGateway();

    const stopped = started.running.shutdown(1000, 300);
    const readiness = await fetch(`${started.url}/readyz`, { headers: { connection: 'close' } });
    await stopped;
    await started.simulator.close();

    expect(readiness.status).toBe(503);
    expect(started.running.server.listening).toBe(false);
  });

  it('lets an in-flight request finish within the grace period', async () => {
    const started = await startGateway();
    started.simulator.addFault({ fault: { kind: 'latency', ms: 300 } });

    const pending = started.query(
      '{ serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "joyous-view-6290") { id } }',
    );
    await waitFor(() => started.simulator.calls.length === 1);
    const stopped = started.running.shutdown(5000);
    const response = await pending;
    await stopped;
    await started.simulator.close();

    expect(response.body.data?.serviceBuild).toEqual({ id: 'joyous-view-6290' });
    expect(started.running.server.listening).toBe(false);
  });

  it('cuts requests still running when the grace period ends', async () => {
    const started = await startGateway();
    started.simulator.addFault({ fault: { kind: 'hang' } });

    const pending = started
      .query(
        '{ serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "joyous-view-6290") { id } }',
      )
      .then(
        () => 'answered',
        () => 'cut',
      );
    await waitFor(() => started.simulator.calls.length === 1);
    await started.running.shutdown(100);
    await started.simulator.close();

    expect(await pending).toBe('cut');
  });
});

describe('unknown build statuses', () => {
  it('logs one warning per distinct unknown status', async () => {
    const logs = captureLogs();
    gateway = await startGateway({ logger: logs.logger });
    for (const [buildId, status] of [
      ['new-1', 'HIBERNATING'],
      ['new-2', 'HIBERNATING'],
      ['new-3', 'DREAMING'],
    ] as const) {
      gateway.simulator.setBuild('demo-project', 'web-app', buildId, { id: buildId, status });
    }

    await gateway.query(`{
      a: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "new-1") { status }
      b: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "new-2") { status }
    }`);
    await gateway.query(
      '{ c: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "new-3") { status } }',
    );
    await gateway.query(
      '{ d: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "new-1") { status } }',
    );

    const warnings = logs.entries().filter((entry) => entry.level === LOG_LEVEL.warn);
    expect(warnings.map((entry) => entry.value)).toEqual(['HIBERNATING', 'DREAMING']);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
