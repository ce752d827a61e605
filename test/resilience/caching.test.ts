import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_BUILDS } from '../../src/simulator/index.js';
import { queryBuild, sleep } from '../helpers/build-query.js';
import { captureLogs } from '../helpers/capture-logs.js';
import { expectRecovery } from '../helpers/recovery.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

const CONCLUDED_BUILD = DEMO_BUILDS.example.buildId;
const RUNNING_BUILD = DEMO_BUILDS.running.buildId;
const MISSING_BUILD = DEMO_BUILDS.missing.buildId;
const BUDGET_WARNING = 'Northflank rate-limit budget is low';

let gateway: TestGateway;

afterEach(async () => {
  await gateway?.close();
});

async function queryTwice(buildId: string, options: { token?: string } = {}) {
  const first = await queryBuild(gateway, buildId);
  const second = await queryBuild(gateway, buildId, options);
  return [first, second];
}

describe('build cache', () => {
  it('serves a concluded build from cache', async () => {
    gateway = await startGateway();

    const [first, second] = await queryTwice(CONCLUDED_BUILD);

    expect(first?.build?.id).toBe(CONCLUDED_BUILD);
    expect(second?.build?.id).toBe(CONCLUDED_BUILD);
    expect(gateway.simulator.callCount()).toBe(1);
  });

  it('caches a running build for a second', async () => {
    gateway = await startGateway({ env: { RUNNING_CACHE_TTL_MS: '1000' } });

    const statuses: unknown[] = [];
    for (let poll = 0; poll < 20; poll += 1) {
      statuses.push((await queryBuild(gateway, RUNNING_BUILD)).build?.status);
    }

    expect(statuses).toEqual(Array(20).fill('BUILDING'));
    expect(gateway.simulator.callCount()).toBe(1);
  });

  it('expires a running build after its TTL', async () => {
    gateway = await startGateway({ env: { RUNNING_CACHE_TTL_MS: '50' } });

    await queryBuild(gateway, RUNNING_BUILD);
    await sleep(100);
    const second = await queryBuild(gateway, RUNNING_BUILD);

    expect(second.build?.status).toBe('BUILDING');
    expect(gateway.simulator.callCount()).toBe(2);
  });

  it('caches NOT_FOUND', async () => {
    gateway = await startGateway();

    const [first, second] = await queryTwice(MISSING_BUILD);

    expect(first?.code).toBe('NOT_FOUND');
    expect(second?.code).toBe('NOT_FOUND');
    expect(gateway.simulator.callCount()).toBe(1);
  });

  it('does not cache a 503', async () => {
    gateway = await startGateway({ env: { NORTHFLANK_RETRIES: '0' } });
    gateway.simulator.addFault({ fault: { kind: 'status', status: 503 } });

    const [first, second] = await queryTwice(CONCLUDED_BUILD);

    expect(first?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(second?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(gateway.simulator.callCount()).toBe(2);
    await expectRecovery(gateway);
  });

  it('keeps entries of two tokens apart', async () => {
    gateway = await startGateway();

    const [first, second] = await queryTwice(CONCLUDED_BUILD, {
      token: 'other-token-0123456789',
    });

    expect(first?.build?.id).toBe(CONCLUDED_BUILD);
    expect(second?.build?.id).toBe(CONCLUDED_BUILD);
    expect(gateway.simulator.callCount()).toBe(2);
  });

  it.each([
    ['CACHE_TTL_MS', CONCLUDED_BUILD],
    ['RUNNING_CACHE_TTL_MS', RUNNING_BUILD],
    ['NOT_FOUND_CACHE_TTL_MS', MISSING_BUILD],
    ['CACHE_MAX_ENTRIES', CONCLUDED_BUILD],
    ['CACHE_MAX_ENTRIES', RUNNING_BUILD],
    ['CACHE_MAX_ENTRIES', MISSING_BUILD],
  ])('calls twice with %s=0 for %s', async (variable, buildId) => {
    gateway = await startGateway({ env: { [variable]: '0' } });

    await queryTwice(buildId);

    expect(gateway.simulator.callCount()).toBe(2);
  });
});

describe('rate-limit budget', () => {
  // Each call leaves the simulator's budget of 5 lower, and a reserve of 10 makes every reading
  // low.
  const LOW_BUDGET_ENV = {
    RATE_LIMIT_RESERVE: '10',
    RUNNING_CACHE_TTL_MS: '50',
    LOW_BUDGET_RUNNING_TTL_MS: '60000',
  };

  it('stretches the running TTL when low', async () => {
    gateway = await startGateway({ env: LOW_BUDGET_ENV, simulator: { hourlyLimit: 5 } });

    await queryBuild(gateway, RUNNING_BUILD);
    await sleep(100);
    const second = await queryBuild(gateway, RUNNING_BUILD);

    expect(second.build?.status).toBe('BUILDING');
    expect(gateway.simulator.callCount()).toBe(1);
  });

  it('keeps the running TTL above the reserve', async () => {
    gateway = await startGateway({
      env: { ...LOW_BUDGET_ENV, RATE_LIMIT_RESERVE: '2' },
      simulator: { hourlyLimit: 5 },
    });

    await queryBuild(gateway, RUNNING_BUILD);
    await sleep(100);
    await queryBuild(gateway, RUNNING_BUILD);

    expect(gateway.simulator.callCount()).toBe(2);
  });

  it('warns once per window', async () => {
    // Remaining goes 5, 4, 3 (low), 2, 1 in the first window. The second window starts at 5
    // again, above the reserve, and turns low at 3.
    const logs = captureLogs();
    let simulatedNow = Date.now();
    gateway = await startGateway({
      env: { RATE_LIMIT_RESERVE: '3' },
      simulator: { hourlyLimit: 6, now: () => simulatedNow },
      logger: logs.logger,
    });
    const warnings = () => logs.entries().filter((entry) => entry.msg?.startsWith(BUDGET_WARNING));

    for (let index = 0; index < 5; index += 1) await queryBuild(gateway, `first-window-${index}`);
    const firstWindowWarnings = warnings().length;
    simulatedNow += 60 * 60 * 1000;
    for (let index = 0; index < 3; index += 1) await queryBuild(gateway, `second-window-${index}`);

    expect(firstWindowWarnings).toBe(1);
    expect(warnings()).toHaveLength(2);
    expect(warnings().map((entry) => entry.remaining)).toEqual([3, 3]);
    expect(gateway.simulator.callCount()).toBe(8);
  });

  it('warns again when a new window starts low', async () => {
    // With a reserve above the limit every reading is low, so only the reset time that jumps
    // from 60 s back to a whole hour shows the new window.
    const logs = captureLogs();
    let simulatedNow = Date.now();
    gateway = await startGateway({
      env: { RATE_LIMIT_RESERVE: '10' },
      simulator: { hourlyLimit: 4, now: () => simulatedNow },
      logger: logs.logger,
    });
    const warnings = () => logs.entries().filter((entry) => entry.msg?.startsWith(BUDGET_WARNING));

    await queryBuild(gateway, 'first-window-0');
    simulatedNow += 59 * 60 * 1000;
    await queryBuild(gateway, 'first-window-1');
    simulatedNow += 2 * 60 * 1000;
    await queryBuild(gateway, 'second-window-0');
    await queryBuild(gateway, 'second-window-1');

    expect(warnings().map((entry) => entry.remaining)).toEqual([3, 3]);
    expect(warnings().map((entry) => entry.resetSeconds)).toEqual([3600, 3600]);
    expect(gateway.simulator.callCount()).toBe(4);
  });
});
