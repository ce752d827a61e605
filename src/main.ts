import { limitHeapGrowth } from './heap-growth.js';
import {
  exitOnStartupFailure,
  loadConfigOrExit,
  startConfiguredGateway,
  stopOnSignal,
} from './process-lifecycle.js';

/** Starts the gateway from environment variables and stops it on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  limitHeapGrowth();
  const config = loadConfigOrExit(process.env);
  const { logger, running } = await startConfiguredGateway(config);

  logger.info(
    { url: `${running.url}/graphql`, upstream: config.northflankApiUrl },
    `Gateway listening on ${running.url}/graphql, calling Northflank at ${config.northflankApiUrl}`,
  );
  stopOnSignal(() => running.shutdown(config.shutdownGraceMs, config.shutdownDrainMs), logger);
}

main().catch(exitOnStartupFailure('Gateway'));
