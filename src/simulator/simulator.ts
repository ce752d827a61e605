import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BuildStore } from './build-store.js';
import { CallLog } from './call-log.js';
import { FaultRules } from './fault-rules.js';
import type { FaultRule } from './faults.js';
import { parseFaultRule } from './parse-fault-rule.js';
import { DEFAULT_HOURLY_LIMIT, HourlyRateLimiter } from './rate-limit.js';
import { createRequestListener, type SimulatorState } from './server.js';
import { TimerSet } from './timers.js';
import type { Simulator, SimulatorOptions } from './types.js';

const DEFAULT_HOST = '127.0.0.1';

/** Creates a simulated Northflank REST API. It does not listen until `listen` is called. */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const state = createState(options);
  const server = createServer(createRequestListener(state));
  let baseUrl: string | undefined;
  let closing: Promise<void> | undefined;

  return {
    async listen(port = 0, host = DEFAULT_HOST) {
      if (baseUrl !== undefined) throw new Error(`Simulator is already listening on ${baseUrl}`);
      baseUrl = await listenOn(server, port, host);
      return baseUrl;
    },
    get url() {
      if (baseUrl === undefined) throw new Error('Simulator is not listening: call listen() first');
      return baseUrl;
    },
    close() {
      state.timers.clear();
      closing ??= closeServer(server).finally(() => {
        baseUrl = undefined;
        closing = undefined;
      });
      return closing;
    },
    addFault(rule: FaultRule) {
      state.faults.add(parseFaultRule(rule));
    },
    clearFaults() {
      state.faults.clear();
    },
    setBuild(projectId, serviceId, buildId, payload) {
      state.builds.set({ projectId, serviceId, buildId }, payload);
    },
    deleteBuild(projectId, serviceId, buildId) {
      state.builds.delete({ projectId, serviceId, buildId });
    },
    get calls() {
      return state.callLog.calls;
    },
    callCount: (path) => state.callLog.count(path),
    maxInFlight: (path) => state.callLog.maxInFlight(path),
    resetCalls: () => state.callLog.reset(),
  };
}

function createState(options: SimulatorOptions): SimulatorState {
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('Invalid option now: expected a function');

  const hourlyLimit = options.hourlyLimit ?? DEFAULT_HOURLY_LIMIT;
  if (!Number.isSafeInteger(hourlyLimit) || hourlyLimit < 0) {
    throw new RangeError(
      `Invalid option hourlyLimit ${String(hourlyLimit)}: expected an integer of at least 0 (0 turns rate limiting off)`,
    );
  }

  return {
    now,
    tokens: parseTokens(options.tokens),
    rateLimiter: hourlyLimit === 0 ? undefined : new HourlyRateLimiter(hourlyLimit),
    controlRoutes: options.controlRoutes ?? false,
    builds: new BuildStore(now()),
    faults: new FaultRules(),
    callLog: new CallLog(),
    timers: new TimerSet(),
  };
}

function parseTokens(tokens: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (tokens === undefined) return undefined;

  const invalidIndex = tokens.findIndex((token) => typeof token !== 'string' || token === '');
  if (invalidIndex !== -1) {
    throw new TypeError(`Invalid option tokens[${invalidIndex}]: expected a non-empty string`);
  }
  return new Set(tokens);
}

function listenOn(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`http://${hostname}:${address.port}`);
    });
  });
}

/** Stops accepting connections and destroys the open ones, including hanging requests. */
function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();

  const closed = new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
  });
  server.closeAllConnections();
  return closed;
}
