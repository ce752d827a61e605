import { type Config, loadConfig } from '../../src/config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createSilentLogger, type Logger } from '../../src/logger.js';
import { listen, type RunningServer } from '../../src/server.js';
import {
  createSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator/index.js';

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
  };
}

export interface TestGateway {
  /** Base URL of the gateway, e.g. http://127.0.0.1:41234 */
  url: string;
  simulator: Simulator;
  gateway: Gateway;
  running: RunningServer;
  /** Sends a GraphQL POST over HTTP and returns the parsed response. */
  query(
    query: string,
    options?: { variables?: Record<string, unknown>; headers?: Record<string, string> },
  ): Promise<GraphQLResponse>;
  close(): Promise<void>;
}

export const TEST_TOKEN = 'test-token-0123456789';

/**
 * Starts the simulated Northflank API and a gateway that calls it, both on 127.0.0.1 with free
 * ports. `env` overrides the gateway's environment as an operator would set it.
 */
export async function startGateway(
  options: {
    env?: Record<string, string>;
    simulator?: SimulatorOptions;
    logger?: Logger;
    random?: () => number;
  } = {},
): Promise<TestGateway> {
  const simulator = createSimulator({ hourlyLimit: 0, ...options.simulator });
  const simulatorUrl = await simulator.listen();
  const config: Config = loadConfig({
    NORTHFLANK_API_URL: simulatorUrl,
    NORTHFLANK_API_TOKEN: TEST_TOKEN,
    // Set by the vitest project that runs the HTTP tests a second time with the fast path off.
    FAST_PATH: process.env.FAST_PATH,
    ...options.env,
  });
  const logger = options.logger ?? createSilentLogger();
  const gateway = createGateway(config, { logger, random: options.random });
  const running = await listen(
    gateway,
    { port: 0, host: '127.0.0.1', keepAliveTimeoutMs: config.keepAliveTimeoutMs },
    logger,
  );

  return {
    url: running.url,
    simulator,
    gateway,
    running,
    query: async (query, { variables, headers } = {}) => {
      const response = await fetch(`${running.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    close: async () => {
      await running.shutdown(0);
      await simulator.close();
    },
  };
}
