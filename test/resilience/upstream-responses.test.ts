import { afterEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/simulator/index.js';
import { queryBuild } from '../helpers/build-query.js';
import { startStreamingUpstream } from '../helpers/raw-upstreams.js';
import { expectRecovery, expectSettled } from '../helpers/recovery.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

const MAINTENANCE_PAGE = '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>';

let gateway: TestGateway;
const closeAfterTest: Array<() => Promise<void>> = [];

afterEach(async () => {
  await gateway?.close();
  for (const close of closeAfterTest.splice(0)) await close();
});

async function queryWithFault(fault: Fault, env: Record<string, string> = {}) {
  gateway = await startGateway({ env, random: () => 0 });
  gateway.simulator.addFault({ fault });
  return queryBuild(gateway, 'faulty-build');
}

describe('response size limit', () => {
  it('rejects a 20 MiB body without retrying', async () => {
    const result = await queryWithFault({ kind: 'large-body' });

    expect(result.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(gateway.simulator.callCount()).toBe(1);
    await expectRecovery(gateway);
  });

  it('accepts a body at the limit', async () => {
    const result = await queryWithFault(
      { kind: 'large-body', bytes: 4096 },
      { NORTHFLANK_MAX_RESPONSE_BYTES: '4096' },
    );

    expect(result.build?.id).toBe('faulty-build');
    expect(gateway.simulator.callCount()).toBe(1);
  });

  it('rejects one byte over the limit', async () => {
    const result = await queryWithFault(
      { kind: 'large-body', bytes: 4097 },
      { NORTHFLANK_MAX_RESPONSE_BYTES: '4096' },
    );

    expect(result.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(gateway.simulator.callCount()).toBe(1);
    await expectRecovery(gateway);
  });

  it('stops reading a body at the limit', async () => {
    // The upstream streams 64 MiB as fast as the gateway reads. Only the default 1 MiB limit
    // plus socket buffers should leave it before the gateway closes the connection.
    const totalBytes = 64 * 1024 * 1024;
    const upstream = await startStreamingUpstream(totalBytes);
    closeAfterTest.push(upstream.close);
    gateway = await startGateway({ env: { NORTHFLANK_API_URL: upstream.url } });

    const result = await queryBuild(gateway, 'streamed-build');
    const ended = await upstream.ended;

    expect(result.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(ended.complete).toBe(false);
    expect(upstream.bytesSent()).toBeLessThan(totalBytes / 2);
    await expectSettled(gateway);
  });
});

describe('malformed responses', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a string for concluded', { concluded: 'yes' }],
    ['a number for status', { status: 7 }],
    ['a string for pullRequestId', { pullRequestId: '42' }],
    ['a number for createdAt', { createdAt: 1_700_000_000 }],
    ['a string for buildConcludedAt', { buildConcludedAt: 'yesterday' }],
    ['an array for registry', { registry: ['uri'] }],
  ])('rejects %s without retrying', async (_case, fields) => {
    gateway = await startGateway({ random: () => 0 });
    gateway.simulator.setBuild('demo-project', 'web-app', 'odd-build', {
      id: 'odd-build',
      ...fields,
    });

    const result = await queryBuild(gateway, 'odd-build');

    expect(result.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(result.message).toContain(Object.keys(fields)[0]);
    expect(gateway.simulator.callCount()).toBe(1);
    await expectRecovery(gateway);
  });

  it.each<[string, Fault]>([
    ['truncated JSON', { kind: 'truncated-json' }],
    ['an HTML page with 200', { kind: 'malformed-body' }],
    ['an empty 200 body', { kind: 'empty-body' }],
  ])('rejects %s without retrying', async (_case, fault) => {
    const result = await queryWithFault(fault);

    expect(result.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(gateway.simulator.callCount()).toBe(1);
    await expectRecovery(gateway);
  });

  it('retries an HTML 502 page as a 502', async () => {
    const result = await queryWithFault({
      kind: 'raw',
      status: 502,
      body: MAINTENANCE_PAGE,
      headers: { 'content-type': 'text/html' },
    });

    expect(result.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(result.extensions?.upstreamStatus).toBe(502);
    expect(gateway.simulator.callCount()).toBe(3);
    await expectRecovery(gateway);
  });
});
