import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

const BUILD_FIELDS = `id projectId serviceId status branch sha concluded success message createdAt
  buildConcludedAt pullRequestId registry { uri }`;

const EXAMPLE_QUERY = `query {
  serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "joyous-view-6290") {
    ${BUILD_FIELDS}
  }
}`;

const EXAMPLE_PATH = '/v1/projects/demo-project/services/web-app/build/joyous-view-6290';

let gateway: TestGateway;

afterEach(async () => {
  await gateway?.close();
});

describe('serviceBuild', () => {
  it('returns the documented example build field by field', async () => {
    gateway = await startGateway();

    const response = await gateway.query(EXAMPLE_QUERY);

    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.serviceBuild).toEqual({
      id: 'joyous-view-6290',
      projectId: 'demo-project',
      serviceId: 'web-app',
      status: 'SUCCESS',
      branch: 'main',
      sha: '12c15e7ee25fd78f567ebf87f9178b8ad70025b3',
      concluded: true,
      success: true,
      message: 'Image successfully built',
      createdAt: '2021-07-28T15:55:38.296Z',
      buildConcludedAt: '2020-11-24T17:12:53.000Z',
      pullRequestId: null,
      registry: null,
    });
  });

  it('returns a pull-request build with its registry uri', async () => {
    gateway = await startGateway();
    gateway.simulator.setBuild('demo-project', 'web-app', 'pr-build-1', {
      id: 'pr-build-1',
      pullRequestId: 4_294_967_297,
      registry: { uri: 'registry.example/demo/web-app:pr-42' },
    });

    const response = await gateway.query(
      '{ serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "pr-build-1") { pullRequestId registry { uri } } }',
    );

    expect(response.body.data?.serviceBuild).toEqual({
      pullRequestId: '4294967297',
      registry: { uri: 'registry.example/demo/web-app:pr-42' },
    });
  });

  it('accepts the ids as variables', async () => {
    gateway = await startGateway();

    const response = await gateway.query(
      'query ($p: ID!, $s: ID!, $b: ID!) { serviceBuild(projectId: $p, serviceId: $s, buildId: $b) { id } }',
      { variables: { p: 'demo-project', s: 'web-app', b: 'joyous-view-6290' } },
    );

    expect(response.body.data?.serviceBuild).toEqual({ id: 'joyous-view-6290' });
  });

  it('costs one upstream call for the same build asked through aliases and fragments', async () => {
    gateway = await startGateway();

    const response = await gateway.query(`
      fragment Ids on Query {
        c: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "joyous-view-6290") { id }
      }
      query {
        a: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "joyous-view-6290") { id }
        b: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "joyous-view-6290") { status }
        ...Ids
      }`);

    expect(response.body.errors).toBeUndefined();
    expect(gateway.simulator.callCount(EXAMPLE_PATH)).toBe(1);
    expect(gateway.simulator.callCount()).toBe(1);
  });

  it('fetches distinct builds in parallel', async () => {
    gateway = await startGateway();
    gateway.simulator.addFault({ fault: { kind: 'latency', ms: 200 } });

    const response = await gateway.query(`{
      a: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "build-a1") { id }
      b: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "build-b2") { id }
      c: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "build-c3") { id }
    }`);

    expect(response.body.errors).toBeUndefined();
    expect(gateway.simulator.callCount()).toBe(3);
    expect(gateway.simulator.maxInFlight()).toBe(3);
  });

  it('gives each build its own result or its own error', async () => {
    gateway = await startGateway();

    const response = await gateway.query(`{
      found: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "joyous-view-6290") { id }
      missing: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "missing-build") { id }
    }`);

    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ found: { id: 'joyous-view-6290' }, missing: null });
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors?.[0]?.path).toEqual(['missing']);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('uses the team route when NORTHFLANK_TEAM_ID is set', async () => {
    gateway = await startGateway({ env: { NORTHFLANK_TEAM_ID: 'my-team' } });

    const response = await gateway.query(EXAMPLE_QUERY);

    expect(response.body.errors).toBeUndefined();
    expect(gateway.simulator.calls.map((call) => call.path)).toEqual([
      `/v1/teams/my-team${EXAMPLE_PATH.slice('/v1'.length)}`,
    ]);
  });

  it('answers a GET query', async () => {
    gateway = await startGateway();
    const query = encodeURIComponent(
      '{ serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "joyous-view-6290") { id } }',
    );

    const response = await fetch(`${gateway.url}/graphql?query=${query}`, {
      headers: { accept: 'application/json' },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { serviceBuild: { id: 'joyous-view-6290' } } });
  });

  it('tags every response with an x-request-id', async () => {
    gateway = await startGateway();

    const response = await gateway.query(EXAMPLE_QUERY);

    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
