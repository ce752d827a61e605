import { type Config, ConfigError, loadConfig } from './config.js';
import { createGateway } from './gateway.js';
import { createLogger, type Logger } from './logger.js';
import { listen, type RunningServer } from './server.js';

/** Loads the configuration, or exits with one line naming the invalid variable. */
export function loadConfigOrExit(env: Record<string, string | undefined>): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
}

/** Creates the logger and the gateway from a configuration, and listens on its host and port. */
export async function startConfiguredGateway(
  config: Config,
): Promise<{ logger: Logger; running: RunningServer }> {
  const logger = createLogger(config.logLevel);
  const gateway = createGateway(config, { logger });
  const running = await listen(
    gateway,
    { port: config.port, host: config.host, keepAliveTimeoutMs: config.keepAliveTimeoutMs },
    logger,
  );
  return { logger, running };
}

/**
 * Runs `stop` on the first SIGTERM or SIGINT, then exits 0, or 1 when stopping fails. A second
 * signal during shutdown is ignored, so the grace period is not cut short by an impatient Ctrl+C.
 */
export function stopOnSignal(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Received stop signal');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Prints a start-up failure on one line, with a hint for a port in use, and exits 1. */
export function exitOnStartupFailure(what: string) {
  return (error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    const hint = code === 'EADDRINUSE' ? ' Set PORT to a free port.' : '';
    process.stderr.write(`${what} failed to start: ${reason}.${hint}\n`);
    process.exit(1);
  };
}
