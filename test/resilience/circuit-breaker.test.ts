import { afterEach, describe, expect, it } from 'vitest';
import { queryBuild, queryDistinctBuilds, sleep } from '../helpers/build-query.js';
import { captureLogs } from '../helpers/capture-logs.js';
import { expectRecovery } from '../helpers/recovery.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

const BREAKER_ENV = {
  BREAKER_THRESHOLD: '3',
  BREAKER_COOLDOWN_MS: '300',
  NORTHFLANK_RETRIES: '0',
};

let gateway: TestGateway;

afterEach(async () => {
  await gateway?.close();
});

/** Sends one query after another, each for its own build, and returns their error codes. */
async function failInTurn(prefix: string, count: number): Promise<unknown[]> {
  const codes: unknown[] = [];
  for (let index = 0; index < count; index += 1) {
    codes.push((await queryBuild(gateway, `${prefix}-${index}`)).code);
  }
  return codes;
}

function messagesOf(logs: ReturnType<typeof captureLogs>, text: string): number {
  return logs.entries().filter((entry) => entry.msg?.startsWith(text)).length;
}

describe('circuit breaker', () => {
  it('opens after BREAKER_THRESHOLD upstream faults', async () => {
    gateway = await startGateway({ env: BREAKER_ENV });
    gateway.simulator.addFault({ fault: { kind: 'status', status: 503 } });

    const codes = await failInTurn('failing', 3);
    const rejected = await queryBuild(gateway, 'rejected');

    expect(codes).toEqual(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE']);
    expect(rejected.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(rejected.extensions?.upstreamStatus).toBeUndefined();
    expect(gateway.simulator.callCount()).toBe(3);
    gateway.simulator.clearFaults();
    await sleep(350);
    await expectRecovery(gateway);
  });

  it('closes after a probe succeeds', async () => {
    const logs = captureLogs();
    gateway = await startGateway({ env: BREAKER_ENV, logger: logs.logger });
    gateway.simulator.addFault({ fault: { kind: 'status', status: 503 } });
    await failInTurn('failing', 4);

    gateway.simulator.clearFaults();
    await sleep(350);
    const probe = await queryBuild(gateway, 'probe');

    expect(probe.build?.id).toBe('probe');
    expect(gateway.simulator.callCount()).toBe(4);
    expect(messagesOf(logs, 'Circuit to Northflank opened')).toBe(1);
    expect(messagesOf(logs, 'Circuit to Northflank closed again')).toBe(1);
    await expectRecovery(gateway);
  });

  it('reopens after one failed probe', async () => {
    gateway = await startGateway({ env: BREAKER_ENV });
    gateway.simulator.addFault({ fault: { kind: 'status', status: 503 } });
    await failInTurn('failing', 3);

    await sleep(350);
    const probes = await queryDistinctBuilds(gateway, 'probe', 3);
    const afterProbe = await queryBuild(gateway, 'after-probe');

    expect(probes.map((result) => result.code)).toEqual([
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_UNAVAILABLE',
    ]);
    expect(afterProbe.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(gateway.simulator.callCount()).toBe(4);
    gateway.simulator.clearFaults();
    await sleep(350);
    await expectRecovery(gateway);
  });

  it('counts calls cut at the deadline', async () => {
    gateway = await startGateway({
      env: { ...BREAKER_ENV, REQUEST_TIMEOUT_MS: '300', NORTHFLANK_TIMEOUT_MS: '5000' },
    });
    gateway.simulator.addFault({ fault: { kind: 'hang' } });

    const codes = await failInTurn('hanging', 3);
    const rejected = await queryBuild(gateway, 'rejected');

    expect(codes).toEqual(['UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT']);
    expect(rejected.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(gateway.simulator.callCount()).toBe(3);
    gateway.simulator.clearFaults();
    await sleep(350);
    await expectRecovery(gateway);
  });

  it.each([
    ['404', 'missing-build', 'NOT_FOUND'],
    ['401', 'rejected-token', 'UNAUTHENTICATED'],
    ['403', 'forbidden-build', 'FORBIDDEN'],
  ])('stays closed for %s responses', async (status, prefix, code) => {
    gateway = await startGateway({ env: BREAKER_ENV });
    if (status !== '404') {
      gateway.simulator.addFault({ fault: { kind: 'status', status: Number(status) } });
    }

    const codes = await failInTurn(prefix, 5);
    gateway.simulator.clearFaults();
    const after = await queryBuild(gateway, 'after-client-errors');

    expect(codes).toEqual(Array(5).fill(code));
    expect(after.build?.id).toBe('after-client-errors');
    expect(gateway.simulator.callCount()).toBe(6);
    await expectRecovery(gateway);
  });
});
