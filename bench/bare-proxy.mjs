#!/usr/bin/env node
// The floor of the benchmark: the least work any gateway in front of the Northflank REST API must
// do per request. It forwards each request to the get-build endpoint and returns the upstream
// body unparsed, with no schema, validation, caching or retries.
//
// Routes:
//   GET /build/{projectId}/{serviceId}/{buildId}
//     one upstream call; returns the upstream status and body.
//   GET /builds10/{projectId}/{serviceId}/{prefix}
//     10 upstream calls in parallel for the build ids {prefix}-0 to {prefix}-9; returns 200 with
//     the JSON array of the 10 bodies, or 502 naming the statuses when one is not 200.
//
// Environment:
//   UPSTREAM_URL    origin of the simulated Northflank API; must be http on a loopback address.
//   UPSTREAM_TOKEN  bearer token sent upstream (default: bench-token).
//   PORT            port to listen on (default: 0, a free port).
//   HOST            address to bind (default: 127.0.0.1).

import { createServer } from 'node:http';
import { Agent, request } from 'undici';

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
const ALIASES = 10;

/**
 * Mirrors the gateway's default upstream pool (NORTHFLANK_MAX_CONNECTIONS=32, keep-alive 4 s), so
 * both sides get the same number of upstream connections.
 */
const agent = new Agent({ connections: 32, keepAliveTimeout: 4000 });

function readUpstreamUrl() {
  const text = process.env.UPSTREAM_URL ?? '';
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`Invalid UPSTREAM_URL ${JSON.stringify(text)}: expected http://127.0.0.1:PORT`);
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTNAMES.has(url.hostname)) {
    throw new Error(`Invalid UPSTREAM_URL ${text}: the bare proxy only calls a loopback address`);
  }
  return url.origin;
}

const upstream = readUpstreamUrl();
const authorization = `Bearer ${process.env.UPSTREAM_TOKEN || 'bench-token'}`;

/** Calls the get-build endpoint once and returns its status and body text. */
async function fetchBuild(projectId, serviceId, buildId) {
  const path = `/v1/projects/${projectId}/services/${serviceId}/build/${buildId}`;
  const response = await request(`${upstream}${path}`, {
    dispatcher: agent,
    headers: { authorization },
  });
  return { status: response.statusCode, body: await response.body.text() };
}

/** Splits `/route/a/b/c` into its route and three segments, still percent-encoded. */
function matchPath(url) {
  const segments = url.split('?', 1)[0].split('/');
  if (segments.length !== 5 || segments[0] !== '') return undefined;
  const [, route, projectId, serviceId, buildId] = segments;
  return { route, projectId, serviceId, buildId };
}

async function handleBuild(match, res) {
  const { status, body } = await fetchBuild(match.projectId, match.serviceId, match.buildId);
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

async function handleBuilds10(match, res) {
  const calls = [];
  for (let i = 0; i < ALIASES; i += 1) {
    calls.push(fetchBuild(match.projectId, match.serviceId, `${match.buildId}-${i}`));
  }
  const results = await Promise.all(calls);

  if (results.some((result) => result.status !== 200)) {
    const statuses = results.map((result) => result.status).join(', ');
    sendText(res, 502, `Upstream returned statuses ${statuses}`);
    return;
  }
  const body = `[${results.map((result) => result.body).join(',')}]`;
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
}

let failedCalls = 0;

/** Logs the first failed upstream call and then every 1000th, so a failing run cannot flood stderr. */
function logFailure(url, error) {
  failedCalls += 1;
  if (failedCalls === 1 || failedCalls % 1000 === 0) {
    process.stderr.write(
      `Upstream call failed (${failedCalls} so far) for ${url}: ${error.message}\n`,
    );
  }
}

function sendText(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
}

const ROUTES = { build: handleBuild, builds10: handleBuilds10 };

const server = createServer((req, res) => {
  const match = matchPath(req.url ?? '/');
  const handler = match === undefined ? undefined : ROUTES[match.route];
  if (req.method !== 'GET' || handler === undefined) {
    sendText(res, 404, `Not found: ${req.method} ${req.url}`);
    return;
  }

  handler(match, res).catch((error) => {
    logFailure(req.url, error);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendText(res, 502, `Upstream call failed: ${error.message}`);
  });
});

function stop() {
  server.close();
  server.closeAllConnections();
  agent.close().finally(() => process.exit(0));
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

server.listen(Number(process.env.PORT ?? 0), process.env.HOST || '127.0.0.1', () => {
  const { address, port } = server.address();
  process.stdout.write(`Bare proxy listening on http://${address}:${port}, calling ${upstream}\n`);
});
