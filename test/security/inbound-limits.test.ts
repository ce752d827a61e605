import { afterEach, describe, expect, it } from 'vitest';
import { buildQuery, expectUpstreamUntouched } from '../helpers/probe.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('per-client rate limit', () => {
  it('returns RATE_LIMITED with retryAfter past CLIENT_RATE_LIMIT_PER_MINUTE', async () => {
    gateway = await startGateway({ env: { CLIENT_RATE_LIMIT_PER_MINUTE: '3' } });
    for (const buildId of ['limit-a1', 'limit-a2', 'limit-a3']) {
      await gateway.query(buildQuery(buildId));
    }
    gateway.simulator.resetCalls();

    const limited = await gateway.query(buildQuery('limit-probe'));

    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('20');
    expect(limited.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: 20 });
    expect(gateway.simulator.callCount()).toBe(0);
  });

  it('keeps a separate budget per bearer token', async () => {
    gateway = await startGateway({ env: { CLIENT_RATE_LIMIT_PER_MINUTE: '1' } });
    await gateway.query(buildQuery('token-a'), {
      headers: { authorization: 'Bearer first-token' },
    });

    const second = await gateway.query(buildQuery('token-b'), {
      headers: { authorization: 'Bearer second-token' },
    });
    const firstAgain = await gateway.query(buildQuery('token-c'), {
      headers: { authorization: 'Bearer first-token' },
    });

    expect(second.status).toBe(200);
    expect(firstAgain.status).toBe(429);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    gateway = await startGateway({ env: { CLIENT_RATE_LIMIT_PER_MINUTE: '1' } });
    await gateway.query(buildQuery('xff-a'), { headers: { 'x-forwarded-for': '203.0.113.1' } });
    gateway.simulator.resetCalls();

    const spoofed = await gateway.query(buildQuery('xff-probe'), {
      headers: { 'x-forwarded-for': '203.0.113.2' },
    });

    expect(spoofed.status).toBe(429);
    expect(gateway.simulator.callCount()).toBe(0);
  });

  it('keys clients by the last X-Forwarded-For entry with TRUST_PROXY', async () => {
    gateway = await startGateway({
      env: { CLIENT_RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: 'true' },
    });
    await gateway.query(buildQuery('proxy-a'), {
      headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.1' },
    });

    const otherClient = await gateway.query(buildQuery('proxy-b'), {
      headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.2' },
    });
    const sameClientForgedPrefix = await gateway.query(buildQuery('proxy-c'), {
      headers: { 'x-forwarded-for': '192.0.2.99, 203.0.113.1' },
    });

    expect(otherClient.status).toBe(200);
    expect(sameClientForgedPrefix.status).toBe(429);
  });

  it('turns off with CLIENT_RATE_LIMIT_PER_MINUTE=0', async () => {
    gateway = await startGateway({ env: { CLIENT_RATE_LIMIT_PER_MINUTE: '0' } });

    const statuses = [];
    for (let index = 0; index < 5; index += 1) {
      statuses.push((await gateway.query(buildQuery(`unlimited-${index}`))).status);
    }

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });
});

describe('in-flight operation limit', () => {
  it('returns 503 past MAX_INFLIGHT_OPERATIONS', async () => {
    gateway = await startGateway({ env: { MAX_INFLIGHT_OPERATIONS: '1' } });
    gateway.simulator.addFault({
      fault: { kind: 'latency', ms: 300 },
      buildId: 'slow-build',
      times: 1,
    });
    const slow = gateway.query(buildQuery('slow-build'));
    while (gateway.simulator.callCount() === 0)
      await new Promise((resolve) => setTimeout(resolve, 5));

    const rejected = await gateway.query(buildQuery('inflight-probe'));
    await slow;
    gateway.simulator.resetCalls();

    expect(rejected.status).toBe(503);
    expect(rejected.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    await expectUpstreamUntouched(gateway, 'inflight-probe');
  });
});

describe('GET operations that ask for HTML', () => {
  it('counts them against the limit when GraphiQL is off', async () => {
    gateway = await startGateway({
      env: { CLIENT_RATE_LIMIT_PER_MINUTE: '1', GRAPHIQL: 'false', INTROSPECTION: 'false' },
    });
    const get = (buildId: string) =>
      fetch(`${gateway?.url}/graphql?query=${encodeURIComponent(buildQuery(buildId))}`, {
        headers: { accept: 'text/html, application/json' },
      });

    await get('html-a');
    const second = await get('html-b');

    expect(second.status).toBe(429);
    expect(gateway.simulator.callCount()).toBe(1);
  });
});
