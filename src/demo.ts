import {
  exitOnStartupFailure,
  loadConfigOrExit,
  startConfiguredGateway,
  stopOnSignal,
} from './process-lifecycle.js';
import { createSimulator } from './simulator/index.js';

/** Token the demo's gateway sends to its simulated API. It grants nothing anywhere else. */
const DEMO_TOKEN = 'demo-token';

/**
 * Runs the gateway against the embedded simulated Northflank API, so it can be explored in
 * GraphiQL without an account. The simulated API listens on a free loopback port. Any
 * NORTHFLANK_API_URL, NORTHFLANK_API_TOKEN, NORTHFLANK_TEAM_ID or proxy variable in the
 * environment is ignored, so the demo never calls the real API or a proxy.
 */
async function demo(): Promise<void> {
  const simulator = createSimulator({ hourlyLimit: 0, controlRoutes: true });
  const simulatorUrl = await simulator.listen(0, '127.0.0.1');
  const config = loadConfigOrExit({
    ...process.env,
    NORTHFLANK_API_URL: simulatorUrl,
    NORTHFLANK_API_TOKEN: DEMO_TOKEN,
    NORTHFLANK_TEAM_ID: '',
    // The simulated API is on loopback: a proxy set for the real internet must not carry it.
    HTTPS_PROXY: '',
    https_proxy: '',
    HTTP_PROXY: '',
    http_proxy: '',
  });
  const { logger, running } = await startConfiguredGateway(config);

  logger.info(
    { url: `${running.url}/graphql`, upstream: simulatorUrl },
    `Demo gateway listening on ${running.url}/graphql, calling the simulated Northflank API at ${simulatorUrl}`,
  );
  process.stdout.write(`\nOpen GraphiQL: ${running.url}/graphql\n\n`);
  stopOnSignal(async () => {
    await running.shutdown(config.shutdownGraceMs, config.shutdownDrainMs);
    await simulator.close();
  }, logger);
}

demo().catch(exitOnStartupFailure('Demo'));
