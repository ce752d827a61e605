import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs } from '../helpers/capture-logs.js';
import { startGateway, TEST_TOKEN, type TestGateway } from '../helpers/start-gateway.js';

const QUERY =
  '{ serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "joyous-view-6290") { id } }';
const CLIENT_TOKEN = 'client-token-abcdef';

let gateway: TestGateway;

afterEach(async () => {
  await gateway?.close();
});

describe('authentication', () => {
  it('forwards a well-formed client bearer token', async () => {
    gateway = await startGateway({ simulator: { tokens: [CLIENT_TOKEN] } });

    const response = await gateway.query(QUERY, {
      headers: { authorization: `Bearer ${CLIENT_TOKEN}` },
    });

    expect(response.body.errors).toBeUndefined();
    expect(gateway.simulator.callCount()).toBe(1);
  });

  it('uses NORTHFLANK_API_TOKEN without an Authorization header', async () => {
    gateway = await startGateway({ simulator: { tokens: [TEST_TOKEN] } });

    const response = await gateway.query(QUERY);

    expect(response.body.errors).toBeUndefined();
  });

  it('passes on an upstream rejection of the client token as UNAUTHENTICATED', async () => {
    gateway = await startGateway({ simulator: { tokens: [TEST_TOKEN] } });

    const response = await gateway.query(QUERY, {
      headers: { authorization: 'Bearer revoked-token' },
    });

    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(gateway.simulator.callCount()).toBe(1);
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Token abc'])(
    'rejects the malformed header %j without falling back to the server token',
    async (authorization) => {
      gateway = await startGateway();

      const response = await gateway.query(QUERY, { headers: { authorization } });

      expect(response.status).toBe(200);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(gateway.simulator.callCount()).toBe(0);
    },
  );

  it('returns UNAUTHENTICATED and calls nothing without any token', async () => {
    gateway = await startGateway({ env: { NORTHFLANK_API_TOKEN: '' } });

    const response = await gateway.query(QUERY);

    expect(response.body.data).toEqual({ serviceBuild: null });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(gateway.simulator.callCount()).toBe(0);
  });

  it('keeps tokens out of logs, errors and responses', async () => {
    const logs = captureLogs();
    gateway = await startGateway({ logger: logs.logger });
    gateway.simulator.addFault({
      fault: { kind: 'status', status: 401, message: `Token ${CLIENT_TOKEN} is not valid` },
      times: 1,
    });

    const rejected = await gateway.query(QUERY, {
      headers: { authorization: `Bearer ${CLIENT_TOKEN}` },
    });
    const malformed = await gateway.query(QUERY, {
      headers: { authorization: `Basic ${CLIENT_TOKEN}` },
    });
    const withServerToken = await gateway.query(QUERY);

    const everything = [rejected, malformed, withServerToken]
      .map((response) => JSON.stringify(response.body) + JSON.stringify([...response.headers]))
      .join('\n');
    expect(everything).not.toContain(CLIENT_TOKEN);
    expect(everything).not.toContain(TEST_TOKEN);
    expect(logs.text()).not.toContain(CLIENT_TOKEN);
    expect(logs.text()).not.toContain(TEST_TOKEN);
    expect(rejected.body.errors?.[0]?.message).toContain('[redacted]');
  });
});
