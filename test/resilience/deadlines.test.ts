import { afterEach, describe, expect, it } from 'vitest';
import { queryBuild, sleep, waitFor } from '../helpers/build-query.js';
import { expectRecovery, expectSettled } from '../helpers/recovery.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway;

afterEach(async () => {
  await gateway?.close();
});

function start(env: Record<string, string>) {
  return startGateway({ env, random: () => 0 });
}

describe('request deadline', () => {
  it('fails a hanging call at REQUEST_TIMEOUT_MS', async () => {
    gateway = await start({ REQUEST_TIMEOUT_MS: '400', NORTHFLANK_TIMEOUT_MS: '10000' });
    gateway.simulator.addFault({ fault: { kind: 'hang' } });

    const startedAt = performance.now();
    const result = await queryBuild(gateway, 'hanging-build');
    const elapsedMs = performance.now() - startedAt;

    expect(result.code).toBe('UPSTREAM_TIMEOUT');
    expect(elapsedMs).toBeLessThan(5000);
    expect(gateway.simulator.callCount()).toBe(1);
    await expectRecovery(gateway);
  });

  it('starts no retry with under 100 ms left', async () => {
    // Attempts end at about 300 and 600 ms. A third would have 50 ms before the 650 ms deadline.
    gateway = await start({
      REQUEST_TIMEOUT_MS: '650',
      NORTHFLANK_TIMEOUT_MS: '300',
      NORTHFLANK_RETRIES: '5',
    });
    gateway.simulator.addFault({ fault: { kind: 'hang' } });

    const result = await queryBuild(gateway, 'hanging-build');

    expect(result.code).toBe('UPSTREAM_TIMEOUT');
    expect(gateway.simulator.callCount()).toBe(2);
    await expectRecovery(gateway);
  });

  it('cuts an attempt at the time left', async () => {
    // The second attempt starts with 200 ms left, below NORTHFLANK_TIMEOUT_MS, and the 500 ms
    // deadline leaves no room for a third.
    gateway = await start({
      REQUEST_TIMEOUT_MS: '500',
      NORTHFLANK_TIMEOUT_MS: '300',
      NORTHFLANK_RETRIES: '5',
    });
    gateway.simulator.addFault({ fault: { kind: 'hang' } });

    const result = await queryBuild(gateway, 'hanging-build');

    expect(result.code).toBe('UPSTREAM_TIMEOUT');
    expect(gateway.simulator.callCount()).toBe(2);
    await expectRecovery(gateway);
  });

  it('calls nothing under a 100 ms deadline', async () => {
    gateway = await start({ REQUEST_TIMEOUT_MS: '50' });

    const result = await queryBuild(gateway, 'any-build');

    expect(result.code).toBe('UPSTREAM_TIMEOUT');
    expect(gateway.simulator.callCount()).toBe(0);
    await expectSettled(gateway);
  });
});

describe('attempt deadline', () => {
  it('cuts a dripping body at NORTHFLANK_TIMEOUT_MS', async () => {
    // Each chunk arrives well within undici's per-phase body timeout, so only the deadline of the
    // whole attempt can stop a body that would take about 2 s.
    gateway = await start({ NORTHFLANK_TIMEOUT_MS: '300', NORTHFLANK_RETRIES: '0' });
    gateway.simulator.addFault({ fault: { kind: 'drip-body', intervalMs: 100, chunkBytes: 16 } });

    const result = await queryBuild(gateway, 'dripping-build');

    expect(result.code).toBe('UPSTREAM_TIMEOUT');
    expect(gateway.simulator.callCount()).toBe(1);
    await expectRecovery(gateway);
  });
});

describe('shared call', () => {
  it('lives until the last waiter deadline', async () => {
    // The first request gives up at 800 ms. The second joins at 500 ms with its deadline at
    // 1300 ms, and the same upstream call returns its build at 1000 ms.
    gateway = await start({ REQUEST_TIMEOUT_MS: '800', CACHE_TTL_MS: '0' });
    gateway.simulator.addFault({ fault: { kind: 'latency', ms: 1000 } });

    const first = queryBuild(gateway, 'shared-build');
    await sleep(500);
    const second = queryBuild(gateway, 'shared-build');

    expect((await first).code).toBe('UPSTREAM_TIMEOUT');
    expect((await second).build?.id).toBe('shared-build');
    expect(gateway.simulator.callCount()).toBe(1);
    await expectRecovery(gateway);
  });

  it('keeps running while one waiter is left', async () => {
    gateway = await start({});
    gateway.simulator.addFault({ fault: { kind: 'hang' } });
    const leaving = new AbortController();
    const staying = new AbortController();

    const results = [
      queryBuild(gateway, 'shared-build', { signal: leaving.signal }).catch(() => 'aborted'),
      queryBuild(gateway, 'shared-build', { signal: staying.signal }).catch(() => 'aborted'),
    ];
    await waitFor(() => gateway.simulator.callCount() === 1);
    leaving.abort();
    await sleep(200);

    expect(gateway.gateway.builds.stats().inFlightCalls).toBe(1);
    expect(gateway.gateway.builds.stats().pool.running).toBe(1);
    staying.abort();
    await Promise.all(results);
    await expectRecovery(gateway);
  });

  it('aborts the upstream call once every waiter has gone', async () => {
    gateway = await start({});
    gateway.simulator.addFault({ fault: { kind: 'hang' } });
    const clients = [new AbortController(), new AbortController(), new AbortController()];

    const results = clients.map((client) =>
      queryBuild(gateway, 'abandoned-build', { signal: client.signal }).catch(() => 'aborted'),
    );
    await waitFor(() => gateway.simulator.callCount() === 1);
    await waitFor(() => gateway.gateway.builds.stats().pool.running === 1);
    for (const client of clients) client.abort();

    expect(await Promise.all(results)).toEqual(['aborted', 'aborted', 'aborted']);
    expect(gateway.simulator.callCount()).toBe(1);
    expect(await waitFor(() => isUpstreamIdle(gateway))).toBe(true);
    expect(gateway.gateway.builds.stats().inFlightCalls).toBe(0);
    await expectRecovery(gateway);
  });
});

/**
 * Tells whether the simulator has no request open. Resetting its calls restarts the in-flight
 * maximum at the number of requests still open, so call counts must be read before this.
 */
function isUpstreamIdle(started: TestGateway): boolean {
  started.simulator.resetCalls();
  return started.simulator.maxInFlight() === 0;
}
