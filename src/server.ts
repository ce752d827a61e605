import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from './gateway.js';
import { rejectMalformedHost } from './host-header.js';
import type { Logger } from './logger.js';

export interface ListenOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /**
   * Idle keep-alive connections are closed after this long. Keep it above the idle timeout of
   * the load balancer in front (60 s on common ones), or it may reuse a closing connection and
   * return a 502. @default 65000
   */
  keepAliveTimeoutMs?: number;
}

/** A gateway listening on node:http. */
export interface RunningServer {
  /** Base URL, for example `http://127.0.0.1:4000`. */
  url: string;
  server: Server;
  /**
   * Makes `/readyz` return 503 and keeps serving for `drainMs`, so load balancers see it and
   * stop routing here. Then stops taking new connections, lets in-flight requests finish for up
   * to `graceMs`, cuts the remaining connections and releases upstream connections.
   */
  shutdown(graceMs: number, drainMs?: number): Promise<void>;
}

/** Bound a client that sends its headers or body slowly, which would otherwise hold a socket. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

export async function listen(
  gateway: Gateway,
  options: ListenOptions,
  logger: Logger,
): Promise<RunningServer> {
  const server = createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 65_000,
      // Node checks the two timeouts above only this often (30 s by default), so a slow client
      // would otherwise keep its socket for up to 30 s longer than those settings allow.
      connectionsCheckingInterval: 1000,
    },
    (request, response) => {
      if (!rejectMalformedHost(request, response)) gateway.handleRequest(request, response);
    },
  );

  // Once shutdown begins, a keep-alive connection would hold the server open after its last
  // response, so each finished response closes the connections that are idle by then.
  server.on('request', (_request, response) => {
    response.on('finish', () => {
      if (!server.listening) server.closeIdleConnections();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  // After listening, so that rendering GraphiQL never delays the first /healthz.
  setImmediate(() => {
    gateway.warmUp().catch((error: unknown) => {
      logger.error({ err: error }, 'Rendering the GraphiQL page failed');
    });
  });

  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    server,
    shutdown: (graceMs, drainMs = 0) => shutdown(server, gateway, { graceMs, drainMs }, logger),
  };
}

async function shutdown(
  server: Server,
  gateway: Gateway,
  { graceMs, drainMs }: { graceMs: number; drainMs: number },
  logger: Logger,
) {
  gateway.markShuttingDown();
  if (drainMs > 0) {
    logger.info({ drainMs }, 'Shutting down: /readyz returns 503, still serving while it drains');
    await new Promise((resolve) => setTimeout(resolve, drainMs));
  }
  logger.info({ graceMs }, 'Shutting down: finishing in-flight requests');

  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  let graceTimer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolve) => {
    graceTimer = setTimeout(() => resolve('timeout'), graceMs);
  });

  const outcome = await Promise.race([closed, graceOver]);
  clearTimeout(graceTimer);
  if (outcome === 'timeout') {
    logger.warn({ graceMs }, 'Grace period over: closing the remaining connections');
    server.closeAllConnections();
    await closed;
  }

  await gateway.close();
  logger.info('Stopped');
}
