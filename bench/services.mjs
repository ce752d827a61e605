// The three servers of a run: the simulated Northflank API, the bare proxy and the built gateway.
// Each listens on an ephemeral port of 127.0.0.1 and gets a minimal environment, so settings in
// the caller's shell, such as HTTP_PROXY or a cache TTL, do not change what is measured.

import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startPinned } from './processes.mjs';
import { LOAD_CORE, TEST_CORE } from './scenarios.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOOPBACK_URL = /^http:\/\/127\.0\.0\.1:\d+$/;
export const BENCH_TOKEN = 'bench-token';
const HEALTH_POLL_MS = 2;
const HEALTH_TIMEOUT_MS = 10_000;

function baseEnvironment() {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', PORT: '0', HOST: '127.0.0.1' };
}

function requireLoopback(handle) {
  if (LOOPBACK_URL.test(handle.url)) return handle;
  throw new Error(`${handle.name} listens on ${handle.url}, expected http://127.0.0.1:PORT`);
}

/** Starts the built simulator on the load CPU, with the hourly rate limit off. */
export async function startSimulator() {
  const handle = await startPinned({
    name: 'simulator',
    core: LOAD_CORE,
    command: process.execPath,
    args: [`${ROOT}dist/simulator/main.js`],
    env: { ...baseEnvironment(), SIMULATOR_HOURLY_LIMIT: '0' },
    readyPattern: /listening on (http:\/\/\S+)$/,
  });
  return requireLoopback(handle);
}

/** Starts bench/bare-proxy.mjs on the test CPU, in front of the simulator. */
export async function startProxy(simulatorUrl) {
  const handle = await startPinned({
    name: 'bare proxy',
    core: TEST_CORE,
    command: process.execPath,
    args: [`${ROOT}bench/bare-proxy.mjs`],
    env: { ...baseEnvironment(), UPSTREAM_URL: simulatorUrl, UPSTREAM_TOKEN: BENCH_TOKEN },
    readyPattern: /listening on (http:\/\/\S+),/,
  });
  return requireLoopback(handle);
}

/**
 * Starts `node dist/main.js` on the test CPU as users run it: NODE_ENV=production and defaults,
 * except the upstream, which is the simulator, and the per-client rate limit, which is off
 * because a load test is one client. Throws, after stopping it, when the gateway reports an
 * upstream other than the simulator.
 */
export async function startGateway(simulatorUrl) {
  if (!LOOPBACK_URL.test(simulatorUrl)) {
    throw new Error(`Refusing to start the gateway with the upstream ${simulatorUrl}`);
  }
  const handle = await startPinned({
    name: 'gateway',
    core: TEST_CORE,
    command: process.execPath,
    args: [`${ROOT}dist/main.js`],
    env: {
      ...baseEnvironment(),
      NODE_ENV: 'production',
      NORTHFLANK_API_URL: simulatorUrl,
      NORTHFLANK_API_TOKEN: BENCH_TOKEN,
      CLIENT_RATE_LIMIT_PER_MINUTE: '0',
    },
    readyPattern:
      /Gateway listening on (http:\/\/[^/\s]+)\/graphql, calling Northflank at ([^"\s]+)/,
  });

  if (handle.readyMatch[2] !== simulatorUrl) {
    await handle.stop();
    throw new Error(`The gateway calls ${handle.readyMatch[2]}, expected ${simulatorUrl}`);
  }
  return requireLoopback(handle);
}

/** Polls `GET /healthz` until it returns 200. */
async function waitForHealth(url) {
  const deadline = performance.now() + HEALTH_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const response = await fetch(`${url}/healthz`).catch(() => undefined);
    await response?.body?.cancel();
    if (response?.status === 200) return;
    await delay(HEALTH_POLL_MS);
  }
  throw new Error(`${url}/healthz did not return 200 within ${HEALTH_TIMEOUT_MS} ms`);
}

/**
 * Starts and stops the gateway `times` times and returns each time from spawning
 * `node dist/main.js` to the first 200 from `/healthz`, in ms.
 */
export async function measureStartup(simulatorUrl, times) {
  const samples = [];
  for (let i = 0; i < times; i += 1) {
    const startedAt = performance.now();
    const gateway = await startGateway(simulatorUrl);
    try {
      await waitForHealth(gateway.url);
      samples.push(performance.now() - startedAt);
    } finally {
      await gateway.stop();
    }
  }
  return samples;
}
