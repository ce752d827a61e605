import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server } from 'node:net';

/** A loopback server in place of Northflank. */
export interface RawUpstream {
  /** Origin to set as NORTHFLANK_API_URL, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/** Finds a loopback port that was free a moment ago, so a connection to it is refused. */
export async function findClosedPort(): Promise<number> {
  const server = createNetServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts a TCP server that accepts each connection and destroys it at once, before any response,
 * so every attempt of the gateway fails and shows up as one counted connection.
 */
export async function startClosingUpstream(): Promise<RawUpstream & { connections(): number }> {
  let connections = 0;
  const server = createNetServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  const url = await listen(server);

  return {
    url,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What a streaming upstream sent before its client went away. */
export interface StreamingUpstream extends RawUpstream {
  /** Body bytes written to the response so far, including any the socket has not flushed. */
  bytesSent(): number;
  /** Resolves once the response is over, whether sent in full or cut off by the client. */
  ended: Promise<{ complete: boolean }>;
}

const STREAM_CHUNK = Buffer.alloc(64 * 1024, 'x');

/**
 * Starts an HTTP server that responds to every request with 200 and a body of `totalBytes`, written
 * in 64 KiB chunks as the client reads them. The body is never held in memory whole, so the test
 * process itself stays small, and `bytesSent` shows how far the client read before giving up.
 */
export async function startStreamingUpstream(totalBytes: number): Promise<StreamingUpstream> {
  let sent = 0;
  let resolveEnded: (outcome: { complete: boolean }) => void = () => {};
  const ended = new Promise<{ complete: boolean }>((resolve) => {
    resolveEnded = resolve;
  });

  const server = createHttpServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(totalBytes),
    });
    response.on('close', () => resolveEnded({ complete: response.writableFinished }));

    const writeMore = () => {
      while (sent < totalBytes && !response.destroyed) {
        const chunk = STREAM_CHUNK.subarray(0, Math.min(STREAM_CHUNK.length, totalBytes - sent));
        sent += chunk.length;
        if (!response.write(chunk)) {
          response.once('drain', writeMore);
          return;
        }
      }
      if (sent >= totalBytes) response.end();
    };
    writeMore();
  });
  const url = await listen(server);

  return {
    url,
    bytesSent: () => sent,
    ended,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}
