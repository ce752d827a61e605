import { expect } from 'vitest';
import type { UpstreamStats } from '../../src/upstream/build-source.js';
import { queryDistinctBuilds, waitFor } from './build-query.js';
import type { TestGateway } from './start-gateway.js';

let burstCount = 0;

/**
 * Clears the simulator's faults, sends `concurrency` queries for distinct, uncached builds at
 * once and expects every one to succeed. Then waits up to a second for the upstream layer to
 * settle and expects no call, timer or pooled request to be left over.
 */
export async function expectRecovery(
  gateway: TestGateway,
  options: { concurrency?: number } = {},
): Promise<void> {
  const concurrency = options.concurrency ?? 20;
  gateway.simulator.clearFaults();
  burstCount += 1;
  const prefix = `after-fault-${burstCount}`;

  const results = await queryDistinctBuilds(gateway, prefix, concurrency);

  expect(results.map((result) => result.code)).toEqual(Array(concurrency).fill(undefined));
  expect(results.map((result) => result.build?.id)).toEqual(
    Array.from({ length: concurrency }, (_, index) => `${prefix}-${index}`),
  );
  await expectSettled(gateway);
}

/** Waits up to a second for the upstream layer to go idle, then expects every counter at 0. */
export async function expectSettled(gateway: TestGateway): Promise<void> {
  let stats: UpstreamStats = gateway.gateway.builds.stats();
  await waitFor(() => {
    stats = gateway.gateway.builds.stats();
    return isIdle(stats);
  });

  expect(stats.inFlightCalls).toBe(0);
  expect(stats.pendingTimers).toBe(0);
  expect(stats.pool.running).toBe(0);
  expect(stats.pool.pending).toBe(0);
  expect(stats.pool.queued).toBe(0);
}

function isIdle(stats: UpstreamStats): boolean {
  const { pool } = stats;
  return (
    stats.inFlightCalls === 0 &&
    stats.pendingTimers === 0 &&
    pool.running === 0 &&
    pool.pending === 0 &&
    pool.queued === 0
  );
}
