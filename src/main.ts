import { createGateway } from './gateway.js';
import { limitHeapGrowth } from './heap-growth.js';
import { createLogger } from './logger.js';
import { exitOnStartupFailure, loadConfigOrExit, stopOnSignal } from './process-lifecycle.js';
import { listen } from './server.js';

/** Starts the gateway from environment variables and stops it on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  limitHeapGrowth();
  const config = loadConfigOrExit(process.env);
  const logger = createLogger(config.logLevel);
  const gateway = createGateway(config, { logger });
  const running = await listen(
    gateway,
    {
      port: config.port,
      host: config.host,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    },
    logger,
  );

  logger.info(
    { url: `${running.url}/graphql`, upstream: config.northflankApiUrl },
    `Gateway listening on ${running.url}/graphql, calling Northflank at ${config.northflankApiUrl}`,
  );
  stopOnSignal(() => running.shutdown(config.shutdownGraceMs, config.shutdownDrainMs), logger);
}

main().catch(exitOnStartupFailure('Gateway'));
