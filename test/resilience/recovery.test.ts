import { afterEach, describe, expect, it } from 'vitest';
import { type BuildResult, queryBuild, sleep } from '../helpers/build-query.js';
import { expectRecovery } from '../helpers/recovery.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway;

afterEach(async () => {
  await gateway?.close();
});

/** Queries every 50 ms until a query succeeds or `timeoutMs` passes, and returns the last result. */
async function queryUntilServed(buildId: string, timeoutMs: number): Promise<BuildResult> {
  const giveUpAt = Date.now() + timeoutMs;
  let result = await queryBuild(gateway, buildId);
  while (result.build === null && Date.now() < giveUpAt) {
    await sleep(50);
    result = await queryBuild(gateway, buildId);
  }
  return result;
}

describe('recovery after an outage', () => {
  it('serves again after the upstream restarts', async () => {
    gateway = await startGateway({ random: () => 0 });
    const port = new URL(gateway.simulator.url).port;
    const before = await queryBuild(gateway, 'before-outage');

    await gateway.simulator.close();
    const during = await queryBuild(gateway, 'during-outage');
    await gateway.simulator.listen(Number(port));
    const after = await queryBuild(gateway, 'after-outage');

    expect(before.build?.id).toBe('before-outage');
    expect(during.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(after.build?.id).toBe('after-outage');
    expect(gateway.simulator.callCount()).toBe(2);
    await expectRecovery(gateway);
  });

  it('serves again after 503s stop', async () => {
    gateway = await startGateway({ env: { BREAKER_COOLDOWN_MS: '200' }, random: () => 0 });
    gateway.simulator.addFault({ fault: { kind: 'status', status: 503 } });

    const during = [];
    for (let index = 0; index < 3; index += 1) {
      during.push((await queryBuild(gateway, `during-outage-${index}`)).code);
    }
    gateway.simulator.clearFaults();
    const after = await queryUntilServed('after-outage', 2000);

    expect(during).toEqual([
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_UNAVAILABLE',
    ]);
    expect(after.build?.id).toBe('after-outage');
    // The first query makes 3 calls. The breaker opens at its default 5th fault, in the second
    // query, so the third makes none, and the first query after the cooldown makes 1.
    expect(gateway.simulator.callCount()).toBe(6);
    await expectRecovery(gateway);
  });
});
