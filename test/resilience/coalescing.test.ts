import { afterEach, describe, expect, it } from 'vitest';
import { queryBuild } from '../helpers/build-query.js';
import { expectRecovery } from '../helpers/recovery.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway;

afterEach(async () => {
  await gateway?.close();
});

/**
 * Starts a gateway without a cache for concluded builds, so only coalescing can save a call. The
 * client's 50 connections are opened first, because on a busy machine opening them one by one
 * can spread the requests over more than the upstream's latency, and then they are not
 * simultaneous any more.
 */
async function startUncached(): Promise<TestGateway> {
  const started = await startGateway({ env: { CACHE_TTL_MS: '0' } });
  await Promise.all(Array.from({ length: 50 }, () => fetch(`${started.url}/healthz`)));
  started.simulator.addFault({ fault: { kind: 'latency', ms: 500 } });
  return started;
}

describe('coalescing', () => {
  it('shares one call among 50 requests', async () => {
    gateway = await startUncached();

    const results = await Promise.all(
      Array.from({ length: 50 }, () => queryBuild(gateway, 'joyous-view-6290')),
    );

    expect(results.map((result) => result.build?.id)).toEqual(Array(50).fill('joyous-view-6290'));
    expect(gateway.simulator.callCount()).toBe(1);
    expect(gateway.simulator.maxInFlight()).toBe(1);
    await expectRecovery(gateway);
  });

  it('makes one call per token', async () => {
    gateway = await startUncached();
    const tokens = ['first-token-0123456789', 'second-token-0123456789'];

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        queryBuild(gateway, 'joyous-view-6290', { token: tokens[index % 2] }),
      ),
    );

    expect(results.map((result) => result.build?.id)).toEqual(Array(50).fill('joyous-view-6290'));
    expect(gateway.simulator.callCount()).toBe(2);
    await expectRecovery(gateway);
  });

  it('calls again once the shared call has ended', async () => {
    gateway = await startUncached();

    const first = await queryBuild(gateway, 'joyous-view-6290');
    const second = await queryBuild(gateway, 'joyous-view-6290');

    expect(first.build?.id).toBe('joyous-view-6290');
    expect(second.build?.id).toBe('joyous-view-6290');
    expect(gateway.simulator.callCount()).toBe(2);
    await expectRecovery(gateway);
  });
});
