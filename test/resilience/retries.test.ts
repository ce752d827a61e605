import { afterEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/simulator/index.js';
import { buildPath, queryBuild } from '../helpers/build-query.js';
import { captureLogs } from '../helpers/capture-logs.js';
import { findClosedPort, startClosingUpstream } from '../helpers/raw-upstreams.js';
import { expectRecovery, expectSettled } from '../helpers/recovery.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway;
const closeAfterTest: Array<() => Promise<void>> = [];

afterEach(async () => {
  await gateway?.close();
  for (const close of closeAfterTest.splice(0)) await close();
});

/** Starts a gateway whose retries wait 0 ms, so counts do not depend on jitter. */
function start(
  options: { env?: Record<string, string>; logger?: ReturnType<typeof captureLogs>['logger'] } = {},
) {
  return startGateway({
    env: { NORTHFLANK_RETRY_BASE_MS: '10', ...options.env },
    logger: options.logger,
    random: () => 0,
  });
}

async function queryWithFault(fault: Fault, env: Record<string, string> = {}, times?: number) {
  gateway = await start({ env });
  gateway.simulator.addFault({ fault, times });
  return queryBuild(gateway, 'faulty-build');
}

/** Milliseconds between the arrivals of consecutive upstream calls. */
function gapsBetweenCalls(): number[] {
  const arrivals = gateway.simulator.calls.map((call) => call.at);
  return arrivals.slice(1).map((at, index) => at - (arrivals[index] ?? at));
}

describe('retries of transient failures', () => {
  it.each([502, 503, 504])('retries a %i twice by default', async (status) => {
    const result = await queryWithFault({ kind: 'status', status });

    expect(result.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(result.extensions?.upstreamStatus).toBe(status);
    expect(gateway.simulator.callCount()).toBe(3);
    await expectRecovery(gateway);
  });

  it('retries a 503 NORTHFLANK_RETRIES times', async () => {
    const result = await queryWithFault(
      { kind: 'status', status: 503 },
      { NORTHFLANK_RETRIES: '4', BREAKER_THRESHOLD: '10' },
    );

    expect(result.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(gateway.simulator.callCount()).toBe(5);
    await expectRecovery(gateway);
  });

  it('waits the jittered backoff between retries', async () => {
    // With the jitter fixed at 0.99, the waits are 0.99 of 200 ms and of 400 ms.
    gateway = await startGateway({ env: { NORTHFLANK_RETRY_BASE_MS: '200' }, random: () => 0.99 });
    gateway.simulator.addFault({ fault: { kind: 'status', status: 503 } });

    const result = await queryBuild(gateway, 'faulty-build');
    const gaps = gapsBetweenCalls();

    expect(result.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(gaps).toHaveLength(2);
    expect(gaps[0]).toBeGreaterThanOrEqual(190);
    expect(gaps[1]).toBeGreaterThanOrEqual(390);
    await expectRecovery(gateway);
  });

  it('returns the build after one 503', async () => {
    const result = await queryWithFault({ kind: 'status', status: 503 }, {}, 1);

    expect(result.build?.id).toBe('faulty-build');
    expect(gateway.simulator.callCount()).toBe(2);
    await expectRecovery(gateway);
  });

  it('retries a connection reset mid-body', async () => {
    const result = await queryWithFault({ kind: 'reset-mid-body' });

    expect(result.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(gateway.simulator.callCount()).toBe(3);
    await expectRecovery(gateway);
  });

  it('returns the build after one reset mid-body', async () => {
    const result = await queryWithFault({ kind: 'reset-mid-body' }, {}, 1);

    expect(result.build?.id).toBe('faulty-build');
    expect(gateway.simulator.callCount()).toBe(2);
    await expectRecovery(gateway);
  });

  it('retries an attempt timeout', async () => {
    const result = await queryWithFault({ kind: 'hang' }, { NORTHFLANK_TIMEOUT_MS: '150' });

    expect(result.code).toBe('UPSTREAM_TIMEOUT');
    expect(gateway.simulator.callCount()).toBe(3);
    await expectRecovery(gateway);
  });

  it('retries a connection closed before responding', async () => {
    const upstream = await startClosingUpstream();
    closeAfterTest.push(upstream.close);
    gateway = await start({ env: { NORTHFLANK_API_URL: upstream.url } });

    const result = await queryBuild(gateway, 'unreachable-build');

    expect(result.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(upstream.connections()).toBe(3);
    await expectSettled(gateway);
  });

  it('retries a refused connection', async () => {
    // A refused connection reaches no server to count it, so the client's warnings count the
    // attempts: one per failed call.
    const logs = captureLogs();
    const closedPort = await findClosedPort();
    gateway = await start({
      env: { NORTHFLANK_API_URL: `http://127.0.0.1:${closedPort}` },
      logger: logs.logger,
    });

    const result = await queryBuild(gateway, 'unreachable-build');
    const failedCalls = logs.entries().filter((entry) => entry.msg === 'Northflank call failed');

    expect(result.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(failedCalls).toHaveLength(3);
    expect(failedCalls.map((entry) => entry.code)).toEqual(Array(3).fill('UPSTREAM_UNAVAILABLE'));
    await expectSettled(gateway);
  });
});

describe('failures never retried', () => {
  it.each([
    [400, 'BAD_USER_INPUT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [500, 'UPSTREAM_UNAVAILABLE'],
  ])('calls a %i once', async (status, code) => {
    const result = await queryWithFault({ kind: 'status', status });

    expect(result.code).toBe(code);
    expect(result.extensions?.upstreamStatus).toBe(status);
    expect(gateway.simulator.callCount()).toBe(1);
    await expectRecovery(gateway);
  });
});

describe('stale keep-alive socket', () => {
  it('sends the request again without a retry', async () => {
    gateway = await start({ env: { NORTHFLANK_RETRIES: '0' } });
    const warmUp = await queryBuild(gateway, 'warm-up-build');
    gateway.simulator.addFault({ fault: { kind: 'reset-reused-socket' }, times: 1 });

    const result = await queryBuild(gateway, 'reused-socket-build');

    expect(warmUp.build?.id).toBe('warm-up-build');
    expect(result.build?.id).toBe('reused-socket-build');
    expect(gateway.simulator.callCount(buildPath('reused-socket-build'))).toBe(2);
    expect(gateway.simulator.callCount()).toBe(3);
    await expectRecovery(gateway);
  });
});

describe('rate limit', () => {
  it('retries once after a short Retry-After', async () => {
    const result = await queryWithFault(
      { kind: 'rate-limit', retryAfter: '1' },
      { REQUEST_TIMEOUT_MS: '5000' },
      1,
    );

    expect(result.build?.id).toBe('faulty-build');
    expect(gateway.simulator.callCount()).toBe(2);
    expect(gapsBetweenCalls()[0]).toBeGreaterThanOrEqual(990);
    await expectRecovery(gateway);
  });

  it('returns RATE_LIMITED after the one retry', async () => {
    const result = await queryWithFault(
      { kind: 'rate-limit', retryAfter: '1' },
      { REQUEST_TIMEOUT_MS: '5000' },
    );

    expect(result.code).toBe('RATE_LIMITED');
    expect(result.extensions?.retryAfter).toBe(1);
    expect(gateway.simulator.callCount()).toBe(2);
    await expectRecovery(gateway);
  });

  it('returns RATE_LIMITED at once for a long Retry-After', async () => {
    const result = await queryWithFault({ kind: 'rate-limit', retryAfter: '3600' });

    expect(result.code).toBe('RATE_LIMITED');
    expect(result.extensions?.retryAfter).toBe(3600);
    expect(gateway.simulator.callCount()).toBe(1);
    await expectRecovery(gateway);
  });

  it('returns RATE_LIMITED for a wait past the deadline', async () => {
    const result = await queryWithFault(
      { kind: 'rate-limit', retryAfter: '1' },
      { REQUEST_TIMEOUT_MS: '1000' },
    );

    expect(result.code).toBe('RATE_LIMITED');
    expect(gateway.simulator.callCount()).toBe(1);
    await expectRecovery(gateway);
  });

  it('returns RATE_LIMITED at once without Retry-After', async () => {
    const result = await queryWithFault({ kind: 'rate-limit' });

    expect(result.code).toBe('RATE_LIMITED');
    expect(result.extensions?.retryAfter).toBeUndefined();
    expect(gateway.simulator.callCount()).toBe(1);
    await expectRecovery(gateway);
  });
});
