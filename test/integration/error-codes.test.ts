import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/simulator/index.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

const BUILD_QUERY = `query ($buildId: ID!) {
  serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: $buildId) { id status }
}`;

let gateway: TestGateway;

afterEach(async () => {
  await gateway?.close();
});

async function queryBuild(buildId = 'joyous-view-6290') {
  const response = await gateway.query(BUILD_QUERY, { variables: { buildId } });
  const error = response.body.errors?.[0];
  return { response, error, code: error?.extensions?.code };
}

async function withFault(fault: Fault, env: Record<string, string> = {}) {
  gateway = await startGateway({ env });
  gateway.simulator.addFault({ fault });
  return queryBuild();
}

describe('field errors', () => {
  it('keeps HTTP 200 and a null field for a failing field', async () => {
    const { response, code } = await withFault({ kind: 'status', status: 404 });

    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ serviceBuild: null });
    expect(code).toBe('NOT_FOUND');
  });

  it('points a field error at its place in the query', async () => {
    const { error } = await withFault({ kind: 'status', status: 404 });

    expect(error?.path).toEqual(['serviceBuild']);
    expect((error as { locations?: unknown } | undefined)?.locations).toEqual([
      { line: 2, column: 3 },
    ]);
  });

  it.each(['..', 'a/b', 'a%2Fb', 'a?b=1', 'a#b', '-x', '', 'x'.repeat(101), 'caf\u00e9'])(
    'returns BAD_USER_INPUT for build id %j and calls nothing upstream',
    async (buildId) => {
      gateway = await startGateway();

      const { code, error } = await queryBuild(buildId);

      expect(code).toBe('BAD_USER_INPUT');
      expect(error?.message).toContain('buildId');
      expect(gateway.simulator.callCount()).toBe(0);
    },
  );

  it('returns BAD_USER_INPUT for an invalid project id', async () => {
    gateway = await startGateway();

    const response = await gateway.query(
      '{ serviceBuild(projectId: "../admin", serviceId: "web-app", buildId: "b-1") { id } }',
    );

    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.body.errors?.[0]?.message).toContain('projectId');
    expect(gateway.simulator.callCount()).toBe(0);
  });

  it('returns BAD_USER_INPUT for an upstream 400 with its message', async () => {
    const { code, error } = await withFault({
      kind: 'status',
      status: 400,
      message: 'Invalid build id',
    });

    expect(code).toBe('BAD_USER_INPUT');
    expect(error?.message).toBe('Invalid build id');
  });

  it('returns UNAUTHENTICATED for an upstream 401 with an error body', async () => {
    const { code } = await withFault({ kind: 'status', status: 401 });

    expect(code).toBe('UNAUTHENTICATED');
  });

  it('returns UNAUTHENTICATED for an upstream 401 with an empty body', async () => {
    const { code, error } = await withFault({ kind: 'raw', status: 401, body: '' });

    expect(code).toBe('UNAUTHENTICATED');
    expect(error?.message).toContain('API token');
  });

  it('returns FORBIDDEN for an upstream 403', async () => {
    const { code } = await withFault({ kind: 'status', status: 403 });

    expect(code).toBe('FORBIDDEN');
  });

  it('returns NOT_FOUND with the upstream message', async () => {
    gateway = await startGateway();

    const { code, error } = await queryBuild('missing-build');

    expect(code).toBe('NOT_FOUND');
    expect(error?.message).toBe('Build not found');
  });

  it('returns RATE_LIMITED with retryAfter from Retry-After seconds', async () => {
    const { code, error } = await withFault({ kind: 'rate-limit', retryAfter: '37' });

    expect(code).toBe('RATE_LIMITED');
    expect(error?.extensions?.retryAfter).toBe(37);
  });

  it('returns RATE_LIMITED with retryAfter from a Retry-After HTTP date', async () => {
    const inOneMinute = new Date(Date.now() + 60_000).toUTCString();

    const { error } = await withFault({ kind: 'rate-limit', retryAfter: inOneMinute });

    expect(error?.extensions?.retryAfter).toBeGreaterThanOrEqual(58);
    expect(error?.extensions?.retryAfter).toBeLessThanOrEqual(60);
  });

  it('returns RATE_LIMITED with retryAfter from x-ratelimit-reset without Retry-After', async () => {
    const { code, error } = await withFault({
      kind: 'raw',
      status: 429,
      body: '{"error":{"status":429,"message":"Too many requests"}}',
      headers: { 'x-ratelimit-reset': '1200', 'content-type': 'application/json' },
    });

    expect(code).toBe('RATE_LIMITED');
    expect(error?.extensions?.retryAfter).toBe(1200);
  });

  it('returns UPSTREAM_TIMEOUT when the upstream hangs past NORTHFLANK_TIMEOUT_MS', async () => {
    const { code } = await withFault({ kind: 'hang' }, { NORTHFLANK_TIMEOUT_MS: '300' });

    expect(code).toBe('UPSTREAM_TIMEOUT');
  });

  it('returns UPSTREAM_TIMEOUT when the answer is slower than NORTHFLANK_TIMEOUT_MS', async () => {
    const { code } = await withFault(
      { kind: 'latency', ms: 2000 },
      { NORTHFLANK_TIMEOUT_MS: '200' },
    );

    expect(code).toBe('UPSTREAM_TIMEOUT');
  });

  it.each([500, 502, 503, 504])(
    'returns UPSTREAM_UNAVAILABLE for an upstream %i',
    async (status) => {
      const { code, error } = await withFault({ kind: 'status', status });

      expect(code).toBe('UPSTREAM_UNAVAILABLE');
      expect(error?.extensions?.upstreamStatus).toBe(status);
    },
  );

  it('returns UPSTREAM_UNAVAILABLE when the connection is refused', async () => {
    const closedPort = await findClosedPort();
    gateway = await startGateway({ env: { NORTHFLANK_API_URL: `http://127.0.0.1:${closedPort}` } });

    const { code } = await queryBuild();

    expect(code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it.each<[string, Fault]>([
    ['an HTML page', { kind: 'malformed-body' }],
    ['an empty 200 body', { kind: 'empty-body' }],
    ['a 204', { kind: 'raw', status: 204, body: '' }],
    ['a 200 without the data envelope', { kind: 'raw', status: 200, body: '{"build":{}}' }],
    [
      'a redirect',
      { kind: 'raw', status: 302, body: '', headers: { location: 'http://127.0.0.1:1/' } },
    ],
    ['an unexpected 418', { kind: 'raw', status: 418, body: '' }],
  ])('returns UPSTREAM_BAD_RESPONSE for %s', async (_case, fault) => {
    const { code } = await withFault(fault);

    expect(code).toBe('UPSTREAM_BAD_RESPONSE');
  });

  it('returns UPSTREAM_BAD_RESPONSE for a build of the wrong shape, naming the field', async () => {
    gateway = await startGateway();
    gateway.simulator.setBuild('demo-project', 'web-app', 'odd-build', {
      id: 'odd-build',
      concluded: 'yes',
    });

    const { code, error } = await queryBuild('odd-build');

    expect(code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error?.message).toContain('concluded');
  });

  it('returns UPSTREAM_BAD_RESPONSE for a build with another id', async () => {
    gateway = await startGateway();
    gateway.simulator.setBuild('demo-project', 'web-app', 'asked-build', { id: 'other-build' });

    const { code } = await queryBuild('asked-build');

    expect(code).toBe('UPSTREAM_BAD_RESPONSE');
  });

  it('returns UNKNOWN for a status added upstream later, without an error', async () => {
    gateway = await startGateway();
    gateway.simulator.setBuild('demo-project', 'web-app', 'new-status', {
      id: 'new-status',
      status: 'HIBERNATING',
    });

    const { response } = await queryBuild('new-status');

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({ serviceBuild: { id: 'new-status', status: 'UNKNOWN' } });
  });
});

describe('request errors', () => {
  it('keeps 400 for an unparsable body', async () => {
    gateway = await startGateway();

    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });

    expect(response.status).toBe(400);
  });

  it('keeps 400 for a query that fails validation', async () => {
    gateway = await startGateway();

    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ serviceBuild { nope } }' }),
    });

    expect(response.status).toBe(400);
    expect(gateway.simulator.callCount()).toBe(0);
  });
});

/** Finds a loopback port that was free a moment ago, so a connection to it is refused. */
async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
