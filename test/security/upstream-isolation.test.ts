import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildQuery } from '../helpers/probe.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway | undefined;
const servers: Server[] = [];

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listenOnLoopback(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Starts a proxy that records what it is asked for and tunnels CONNECT requests, to loopback
 * targets only.
 */
async function startRecordingProxy() {
  const tunnels: string[] = [];
  const server = createServer((_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(501).end();
  });
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    const target = request.url ?? '';
    tunnels.push(target);
    const [host, port] = target.split(':');
    if (host !== '127.0.0.1') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return { url: await listenOnLoopback(server), tunnels };
}

describe('upstream isolation', () => {
  it('never follows a redirect, so the redirect target receives nothing', async () => {
    let targetCalls = 0;
    const target = await listenOnLoopback(
      createServer((_request, response) => {
        targetCalls += 1;
        response.end('{"data":{"id":"redirect-probe"}}');
      }),
    );
    const redirecting = await listenOnLoopback(
      createServer((request, response) => {
        response.writeHead(302, { location: `${target}${request.url}` }).end();
      }),
    );
    gateway = await startGateway({ env: { NORTHFLANK_API_URL: redirecting } });

    const response = await gateway.query(buildQuery('redirect-probe'));

    expect(response.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(targetCalls).toBe(0);
  });

  it('sends upstream calls through HTTP_PROXY', async () => {
    const proxy = await startRecordingProxy();
    gateway = await startGateway({ env: { HTTP_PROXY: proxy.url } });

    const response = await gateway.query(buildQuery('proxied-build'));

    expect(response.body.errors).toBeUndefined();
    expect(proxy.tunnels).toEqual([new URL(gateway.simulator.url).host]);
    expect(gateway.simulator.callCount()).toBe(1);
  });

  it('calls hosts in NO_PROXY directly', async () => {
    const proxy = await startRecordingProxy();
    gateway = await startGateway({ env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });

    const response = await gateway.query(buildQuery('direct-build'));

    expect(response.body.errors).toBeUndefined();
    expect(proxy.tunnels).toEqual([]);
  });

  it('rejects a proxy URL that is not http or https at start-up', async () => {
    const { loadConfig } = await import('../../src/config.js');

    expect(() => loadConfig({ HTTPS_PROXY: 'socks5://127.0.0.1:1080' })).toThrow('HTTPS_PROXY');
  });
});
