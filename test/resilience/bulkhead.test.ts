import { afterEach, describe, expect, it } from 'vitest';
import { type BuildResult, queryBuild, waitFor } from '../helpers/build-query.js';
import { expectRecovery } from '../helpers/recovery.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway;

afterEach(async () => {
  await gateway?.close();
});

/** Sends a query and notes how long its response took. */
async function timedQuery(buildId: string): Promise<BuildResult & { elapsedMs: number }> {
  const startedAt = performance.now();
  const result = await queryBuild(gateway, buildId);
  return { ...result, elapsedMs: performance.now() - startedAt };
}

describe('bulkhead', () => {
  it('rejects calls past the slots and queue', async () => {
    gateway = await startGateway({
      env: { NORTHFLANK_MAX_CONNECTIONS: '2', NORTHFLANK_MAX_QUEUE: '1' },
    });
    gateway.simulator.addFault({ fault: { kind: 'latency', ms: 1000 } });

    const results = await Promise.all(
      Array.from({ length: 5 }, (_, index) => timedQuery(`parallel-build-${index}`)),
    );
    const served = results.filter((result) => result.build !== null);
    const rejected = results.filter((result) => result.build === null);

    expect(served).toHaveLength(3);
    expect(rejected.map((result) => result.code)).toEqual([
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_UNAVAILABLE',
    ]);
    // Rejections come before the 1000 ms latency of the first calls has passed.
    expect(Math.max(...rejected.map((result) => result.elapsedMs))).toBeLessThan(800);
    expect(gateway.simulator.maxInFlight()).toBe(2);
    expect(gateway.simulator.callCount()).toBe(3);
    await expectRecovery(gateway, { concurrency: 3 });
  });
});

describe('bulkhead queue', () => {
  it('frees a queue place on disconnect', async () => {
    gateway = await startGateway({
      env: { NORTHFLANK_MAX_CONNECTIONS: '1', NORTHFLANK_MAX_QUEUE: '1' },
    });
    gateway.simulator.addFault({ fault: { kind: 'latency', ms: 500 } });
    const leaving = new AbortController();

    const running = queryBuild(gateway, 'running-call');
    await waitFor(() => gateway.simulator.callCount() === 1);
    const abandoned = queryBuild(gateway, 'abandoned-call', { signal: leaving.signal }).catch(
      () => 'aborted',
    );
    await waitFor(() => gateway.gateway.builds.stats().inFlightCalls === 2);
    leaving.abort();
    await waitFor(() => gateway.gateway.builds.stats().inFlightCalls === 1);
    const queued = await Promise.all([running, queryBuild(gateway, 'queued-call')]);

    expect(await abandoned).toBe('aborted');
    expect(queued.map((result) => result.build?.id)).toEqual(['running-call', 'queued-call']);
    expect(gateway.simulator.callCount()).toBe(2);
    await expectRecovery(gateway, { concurrency: 2 });
  });
});
