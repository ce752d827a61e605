import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../src/logger.js';
import { NorthflankClient } from '../../src/northflank/client.js';
import { createSimulator, type Fault, type Simulator } from '../../src/simulator/index.js';
import { captureLogs, LOG_LEVEL } from '../helpers/capture-logs.js';

const KEY = { projectId: 'demo-project', serviceId: 'web-app', buildId: 'joyous-view-6290' };
const TOKEN = 'client-test-token';

let simulator: Simulator;
let client: NorthflankClient;
const extraServers: Server[] = [];

beforeEach(async () => {
  simulator = createSimulator({ hourlyLimit: 0 });
  client = new NorthflankClient({ apiUrl: await simulator.listen(), logger: createSilentLogger() });
});

afterEach(async () => {
  await client.close();
  await simulator.close();
  for (const server of extraServers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function failureCode(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'no error';
}

async function startServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  extraServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('NorthflankClient', () => {
  it('fetches the documented example build with the bearer token', async () => {
    const build = await client.getServiceBuild(KEY, TOKEN);

    expect(build.id).toBe('joyous-view-6290');
    expect(build.createdAt?.toISOString()).toBe('2021-07-28T15:55:38.296Z');
    expect(simulator.calls).toHaveLength(1);
    expect(simulator.calls[0]?.authorization).toBe(true);
  });

  it('sends the token as a bearer Authorization header', async () => {
    let received: string | undefined;
    const url = await startServer((request, response) => {
      received = request.headers.authorization;
      response.end(JSON.stringify({ data: { id: KEY.buildId } }));
    });
    const direct = new NorthflankClient({ apiUrl: url, logger: createSilentLogger() });

    await direct.getServiceBuild(KEY, TOKEN);
    await direct.close();

    expect(received).toBe(`Bearer ${TOKEN}`);
  });

  it('builds the team route when a team id is set', () => {
    const teamClient = new NorthflankClient({
      apiUrl: 'https://api.northflank.com',
      teamId: 'acme',
      logger: createSilentLogger(),
    });

    expect(teamClient.buildPath(KEY)).toBe(
      '/v1/teams/acme/projects/demo-project/services/web-app/build/joyous-view-6290',
    );
  });

  it.each<[string, Fault, string]>([
    ['400', { kind: 'status', status: 400 }, 'BAD_USER_INPUT'],
    ['401', { kind: 'status', status: 401 }, 'UNAUTHENTICATED'],
    ['403', { kind: 'status', status: 403 }, 'FORBIDDEN'],
    ['404', { kind: 'status', status: 404 }, 'NOT_FOUND'],
    ['429', { kind: 'rate-limit', retryAfter: '5' }, 'RATE_LIMITED'],
    ['500', { kind: 'status', status: 500 }, 'UPSTREAM_UNAVAILABLE'],
    ['503', { kind: 'status', status: 503 }, 'UPSTREAM_UNAVAILABLE'],
    ['an HTML page', { kind: 'malformed-body' }, 'UPSTREAM_BAD_RESPONSE'],
    ['an empty body', { kind: 'empty-body' }, 'UPSTREAM_BAD_RESPONSE'],
    ['a hang', { kind: 'hang' }, 'UPSTREAM_TIMEOUT'],
  ])('maps %s to %s', async (_case, fault, code) => {
    const shortClient = new NorthflankClient({
      apiUrl: simulator.url,
      timeoutMs: 300,
      logger: createSilentLogger(),
    });
    simulator.addFault({ fault });

    expect(await failureCode(shortClient.getServiceBuild(KEY, TOKEN))).toBe(code);
    await shortClient.close();
  });

  it('never follows a redirect, so the redirect target receives nothing', async () => {
    let targetCalls = 0;
    const target = await startServer((_request, response) => {
      targetCalls += 1;
      response.end(JSON.stringify({ data: { id: KEY.buildId } }));
    });
    const redirecting = await startServer((_request, response) => {
      response.writeHead(302, {
        location: `${target}/v1/projects/demo-project/services/web-app/build/joyous-view-6290`,
      });
      response.end();
    });
    const redirected = new NorthflankClient({ apiUrl: redirecting, logger: createSilentLogger() });

    expect(await failureCode(redirected.getServiceBuild(KEY, TOKEN))).toBe('UPSTREAM_BAD_RESPONSE');
    await redirected.close();
    expect(targetCalls).toBe(0);
  });

  it('cuts off a body larger than maxResponseBytes', async () => {
    const url = await startServer((_request, response) => {
      response.write('{"data":{"id":"joyous-view-6290","message":"');
      response.end(`${'x'.repeat(64 * 1024)}"}}`);
    });
    const small = new NorthflankClient({
      apiUrl: url,
      maxResponseBytes: 16 * 1024,
      logger: createSilentLogger(),
    });

    expect(await failureCode(small.getServiceBuild(KEY, TOKEN))).toBe('UPSTREAM_BAD_RESPONSE');
    await small.close();
  });

  it('returns UPSTREAM_UNAVAILABLE when the connection is reset mid-body', async () => {
    const url = await startServer((_request, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      response.write('{"data":');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const resetting = new NorthflankClient({ apiUrl: url, logger: createSilentLogger() });

    expect(await failureCode(resetting.getServiceBuild(KEY, TOKEN))).toBe('UPSTREAM_UNAVAILABLE');
    await resetting.close();
  });

  it('times out a body that drips slower than the deadline', async () => {
    const url = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => response.write(' '), 50);
      response.on('close', () => clearInterval(timer));
    });
    const dripping = new NorthflankClient({
      apiUrl: url,
      timeoutMs: 300,
      logger: createSilentLogger(),
    });

    expect(await failureCode(dripping.getServiceBuild(KEY, TOKEN))).toBe('UPSTREAM_TIMEOUT');
    await dripping.close();
  });

  it('reuses a keep-alive connection for consecutive calls', async () => {
    const sockets = new Set<unknown>();
    const url = await startServer((request, response) => {
      sockets.add(request.socket);
      response.end(JSON.stringify({ data: { id: KEY.buildId } }));
    });
    const pooled = new NorthflankClient({ apiUrl: url, logger: createSilentLogger() });

    await pooled.getServiceBuild(KEY, TOKEN);
    // undici frees the connection a tick after the body ends; a call sent within that tick
    // would open a second connection legitimately.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await pooled.getServiceBuild(KEY, TOKEN);
    await pooled.close();

    expect(sockets.size).toBe(1);
  });

  it('logs an upstream 503 at warn with its status', async () => {
    const logs = captureLogs();
    const logged = new NorthflankClient({ apiUrl: simulator.url, logger: logs.logger });
    simulator.addFault({ fault: { kind: 'status', status: 503 } });

    await failureCode(logged.getServiceBuild(KEY, TOKEN));
    await logged.close();

    const warnings = logs.entries().filter((entry) => entry.level === LOG_LEVEL.warn);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.upstreamStatus).toBe(503);
  });

  it('logs a 404 and a cancelled call below warn', async () => {
    const logs = captureLogs();
    const logged = new NorthflankClient({ apiUrl: simulator.url, logger: logs.logger });
    simulator.addFault({ fault: { kind: 'status', status: 404 }, times: 1 });
    simulator.addFault({ fault: { kind: 'hang' }, times: 1 });
    const controller = new AbortController();

    await failureCode(logged.getServiceBuild(KEY, TOKEN));
    const cancelled = failureCode(
      logged.getServiceBuild(KEY, TOKEN, { signal: controller.signal }),
    );
    setTimeout(() => controller.abort(), 50);
    await cancelled;
    await logged.close();

    const warnings = logs.entries().filter((entry) => entry.level >= LOG_LEVEL.warn);
    expect(warnings).toEqual([]);
  });
});
