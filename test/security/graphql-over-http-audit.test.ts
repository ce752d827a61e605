import { type Audit, type AuditResult, serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

/** The settings an operator turns on before exposing the gateway to the internet. */
const RESTRICTED_ENV = { INTROSPECTION: 'false', GRAPHIQL: 'false', NODE_ENV: 'production' };

/**
 * Audits of graphql-http 1.23 that do not pass with introspection off, by id, with their status.
 * Each sends `query Type($name: String!) { __type(name: $name) { name } }`, and `__type` is an
 * introspection field, so validation rejects the query before its variables matter.
 */
const FAILING_WITHOUT_INTROSPECTION: Record<string, AuditResult['status']> = {
  '2EA1': 'warn',
  '28B9': 'error',
  D6D5: 'notice',
  '6A70': 'notice',
};

const BUILD_QUERY =
  'query ($p: ID!, $s: ID!, $b: ID!) { serviceBuild(projectId: $p, serviceId: $s, buildId: $b) { id } }';

function isRequired(audit: Audit): boolean {
  return audit.name.startsWith('MUST');
}

function describeResult(result: AuditResult): string {
  return result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`;
}

describe('GraphQL over HTTP audit with the default configuration', () => {
  let gateway: TestGateway;
  const audits = serverAudits({ url: () => `${gateway.url}/graphql` });

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('lists required audits', () => {
    expect(audits.filter(isRequired).length).toBeGreaterThan(0);
  });

  for (const audit of audits.filter(isRequired)) {
    it(`${audit.name} (${audit.id})`, async () => {
      const result = await audit.fn();

      expect(result.status, describeResult(result)).toBe('ok');
    });
  }

  // SHOULD and MAY audits are recommendations, so a warn or notice result is recorded as an
  // annotation in the test report. Only an audit that throws or reports an error fails its test.
  for (const audit of audits.filter((candidate) => !isRequired(candidate))) {
    it(`${audit.name} (${audit.id})`, async ({ annotate }) => {
      const result = await audit.fn();

      if (result.status !== 'ok') await annotate(describeResult(result), result.status);
      expect(['ok', 'notice', 'warn']).toContain(result.status);
    });
  }
});

describe('GraphQL over HTTP audit without introspection, in production', () => {
  let gateway: TestGateway;
  const audits = serverAudits({ url: () => `${gateway.url}/graphql` });

  beforeAll(async () => {
    gateway = await startGateway({ env: RESTRICTED_ENV });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('fails only the audits that query __type', async ({ annotate }) => {
    const failing: Record<string, AuditResult['status']> = {};
    for (const audit of audits) {
      const result = await audit.fn();
      if (result.status === 'ok') continue;

      failing[audit.id] = result.status;
      await annotate(`${audit.id} ${audit.name}: ${describeResult(result)}`, result.status);
    }

    expect(failing).toEqual(FAILING_WITHOUT_INTROSPECTION);
  });

  it('rejects __type in validation', async () => {
    const response = await gateway.query(
      'query Type($name: String!) { __type(name: $name) { name } }',
      { variables: { name: 'sometype' } },
    );

    expect(response.status).toBe(200);
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('accepts map variables without introspection', async () => {
    const response = await gateway.query(BUILD_QUERY, {
      variables: { p: 'demo-project', s: 'web-app', b: 'joyous-view-6290' },
    });

    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.serviceBuild).toEqual({ id: 'joyous-view-6290' });
  });
});
