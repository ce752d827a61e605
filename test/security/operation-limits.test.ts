import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildQuery, expectUpstreamUntouched } from '../helpers/probe.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** Checks that the operation was rejected before execution: errors and no data at all. */
function expectRejected(response: {
  body: { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> };
}) {
  expect(response.body.data).toBeUndefined();
  expect(response.body.errors?.length).toBeGreaterThan(0);
  expect(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']).toContain(
    response.body.errors?.[0]?.extensions?.code,
  );
}

function aliases(count: number, buildId: string): string {
  const fields = Array.from(
    { length: count },
    (_, index) =>
      `a${index}: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "${buildId}") { id }`,
  );
  return `{ ${fields.join('\n')} }`;
}

describe('operation limits', () => {
  it('rejects more than MAX_ALIASES aliases before execution', async () => {
    gateway = await startGateway();

    const response = await gateway.query(aliases(16, 'alias-probe'));

    expectRejected(response);
    expect(response.body.errors?.[0]?.message).toContain('Aliases limit');
    await expectUpstreamUntouched(gateway, 'alias-probe');
  });

  it('accepts exactly MAX_ALIASES aliases', async () => {
    gateway = await startGateway();

    const response = await gateway.query(aliases(15, 'alias-ok'));

    expect(response.body.errors).toBeUndefined();
    expect(gateway.simulator.callCount()).toBe(1);
  });

  it('counts aliased __typename and aliases inside fragments', async () => {
    gateway = await startGateway();
    const typenames = Array.from({ length: 10 }, (_, index) => `t${index}: __typename`).join(' ');

    const response = await gateway.query(`
      fragment More on Query { ${Array.from({ length: 5 }, (_, index) => `f${index}: __typename`).join(' ')} }
      query { ${typenames} ...More
        b: serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "typename-probe") { id } }`);

    expectRejected(response);
    await expectUpstreamUntouched(gateway, 'typename-probe');
  });

  it('rejects an operation deeper than MAX_DEPTH', async () => {
    gateway = await startGateway({ env: { MAX_DEPTH: '2' } });

    const response = await gateway.query(
      '{ serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "depth-probe") { registry { uri } } }',
    );

    expectRejected(response);
    expect(response.body.errors?.[0]?.message).toContain('Query depth limit');
    await expectUpstreamUntouched(gateway, 'depth-probe');
  });

  it('rejects more than MAX_TOKENS tokens', async () => {
    gateway = await startGateway();
    const padding = Array.from({ length: 1200 }, () => 'id').join(' ');

    const response = await gateway.query(
      `{ serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "token-probe") { ${padding} } }`,
    );

    expectRejected(response);
    expect(response.body.errors?.[0]?.message).toContain('Token limit');
    await expectUpstreamUntouched(gateway, 'token-probe');
  });

  it('rejects more than MAX_DIRECTIVES directives', async () => {
    gateway = await startGateway();
    const directives = Array.from({ length: 51 }, () => '@include(if: true)').join(' ');

    const response = await gateway.query(
      `{ serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "directive-probe") { id ${directives} } }`,
    );

    expectRejected(response);
    await expectUpstreamUntouched(gateway, 'directive-probe');
  });

  it('rejects an operation above MAX_COST', async () => {
    gateway = await startGateway({ env: { MAX_COST: '5' } });

    const response = await gateway.query(aliases(3, 'cost-probe'));

    expectRejected(response);
    expect(response.body.errors?.[0]?.message).toMatch(/cost/i);
    await expectUpstreamUntouched(gateway, 'cost-probe');
  });

  it('rejects a batch of operations in one request', async () => {
    gateway = await startGateway();

    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { query: buildQuery('batch-probe') },
        { query: buildQuery('batch-probe') },
      ]),
    });

    expect(response.status).toBeGreaterThanOrEqual(400);
    await expectUpstreamUntouched(gateway, 'batch-probe');
  });

  it('lets GraphiQL introspection through the depth limit', async () => {
    gateway = await startGateway();

    const response = await gateway.query(
      '{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }',
    );

    expect(response.body.errors).toBeUndefined();
  });
});

describe('production mode', () => {
  it('suggests field names outside production', async () => {
    gateway = await startGateway();

    const response = await gateway.query('{ serviceBuil }');

    expect(response.body.errors?.[0]?.message).toContain('Did you mean');
  });

  it('hides field suggestions in production', async () => {
    gateway = await startGateway({ env: { NODE_ENV: 'production' } });

    const response = await gateway.query('{ serviceBuil }');

    expectRejected(response);
    expect(JSON.stringify(response.body)).not.toContain('Did you mean');
    expect(JSON.stringify(response.body)).not.toContain('serviceBuild');
  });

  it('hides the limits from messages in production', async () => {
    gateway = await startGateway({ env: { NODE_ENV: 'production' } });

    const response = await gateway.query(aliases(16, 'hidden-limit-probe'));

    expectRejected(response);
    expect(JSON.stringify(response.body)).not.toMatch(/15|16/);
    await expectUpstreamUntouched(gateway, 'hidden-limit-probe');
  });

  it('sends no stack trace or original error in production', async () => {
    gateway = await startGateway({ env: { NODE_ENV: 'production' } });
    gateway.simulator.setBuild('demo-project', 'web-app', 'odd-build', {
      id: 'odd-build',
      success: 'no',
    });

    const response = await gateway.query(buildQuery('odd-build'));

    expect(JSON.stringify(response.body)).not.toMatch(/stack|originalError|at .*\.ts/);
    expect(Object.keys(response.body.errors?.[0]?.extensions ?? {}).sort()).toEqual(['code']);
  });
});

describe('request error shape', () => {
  it.each(['production', 'development'])(
    'drops the parser detail of an invalid body in %s',
    async (mode) => {
      gateway = await startGateway({ env: { NODE_ENV: mode } });

      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query": ',
      });
      const body = await response.json();

      expect(response.status).toBe(400);
      expect(body.errors[0].extensions).toEqual({ code: 'BAD_REQUEST' });
    },
  );

  it('gives a code to an error Yoga leaves without one', async () => {
    gateway = await startGateway();

    const response = await gateway.query(
      'query ($b: ID!) { serviceBuild(projectId: "p", serviceId: "s", buildId: $b) { id } }',
    );

    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});

describe('GRAPHIQL and INTROSPECTION', () => {
  it('rejects introspection when INTROSPECTION=false', async () => {
    gateway = await startGateway({ env: { GRAPHIQL: 'false', INTROSPECTION: 'false' } });

    const response = await gateway.query('{ __schema { queryType { name } } }');

    expectRejected(response);
    expect(response.body.data).toBeUndefined();
  });

  it('serves no GraphiQL page when GRAPHIQL=false', async () => {
    gateway = await startGateway({ env: { GRAPHIQL: 'false' } });

    const response = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } });
    const body = await response.text();

    expect(body).not.toContain('<html');
  });

  it('refuses GRAPHIQL=true with INTROSPECTION=false at start-up', () => {
    expect(() => loadConfig({ GRAPHIQL: 'true', INTROSPECTION: 'false' })).toThrow(
      'GRAPHIQL=true needs INTROSPECTION=true',
    );
  });
});
