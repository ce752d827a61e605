import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildQuery, expectUpstreamUntouched } from '../helpers/probe.js';
import { startGateway, TEST_TOKEN, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('AUTH_MODE', () => {
  it('forward: never uses the server token', async () => {
    gateway = await startGateway({ env: { AUTH_MODE: 'forward' } });

    const response = await gateway.query(buildQuery('forward-probe'));

    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await expectUpstreamUntouched(gateway, 'forward-probe', {
      authorization: 'Bearer client-token',
    });
  });

  it('server: ignores client Authorization headers', async () => {
    gateway = await startGateway({
      env: { AUTH_MODE: 'server' },
      simulator: { tokens: [TEST_TOKEN] },
    });

    const malformed = await gateway.query(buildQuery('server-a'), {
      headers: { authorization: 'Basic abc' },
    });
    const other = await gateway.query(buildQuery('server-b'), {
      headers: { authorization: 'Bearer client' },
    });

    expect(malformed.body.errors).toBeUndefined();
    expect(other.body.errors).toBeUndefined();
  });

  it('server: requires NORTHFLANK_API_TOKEN at start-up', () => {
    expect(() => loadConfig({ AUTH_MODE: 'server' })).toThrow(
      'AUTH_MODE=server needs NORTHFLANK_API_TOKEN',
    );
  });

  it('forward-or-server: a malformed header never falls back', async () => {
    gateway = await startGateway();

    const response = await gateway.query(buildQuery('fallback-probe'), {
      headers: { authorization: 'Bearer' },
    });

    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await expectUpstreamUntouched(gateway, 'fallback-probe');
  });

  it('rejects an unknown mode at start-up', () => {
    expect(() => loadConfig({ AUTH_MODE: 'anyone' })).toThrow('AUTH_MODE must be one of');
  });
});
