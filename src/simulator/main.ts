/**
 * Runs the simulator on its own in simulator mode, with the `/__simulator/*` control routes on.
 *
 * Environment:
 * - PORT: port to listen on (default 4010).
 * - HOST: address to bind (default 127.0.0.1).
 * - SIMULATOR_HOURLY_LIMIT: requests per token and hour (default 1000, 0 turns the limit off).
 * - SIMULATOR_TOKENS: comma-separated bearer tokens to accept (default: any token).
 */
import { createSimulator } from './simulator.js';

const DEFAULT_PORT = 4010;
const DEFAULT_HOST = '127.0.0.1';

function readInteger(name: string, fallback: number | undefined, max: number): number | undefined {
  const text = process.env[name]?.trim();
  if (text === undefined || text === '') return fallback;

  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(
      `Invalid ${name} ${JSON.stringify(text)}: expected an integer from 0 to ${max}`,
    );
  }
  return value;
}

function readTokens(): string[] | undefined {
  const text = process.env.SIMULATOR_TOKENS?.trim();
  if (text === undefined || text === '') return undefined;
  return text
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
}

async function main(): Promise<void> {
  const port = readInteger('PORT', DEFAULT_PORT, 65_535) ?? DEFAULT_PORT;
  const host = process.env.HOST?.trim() || DEFAULT_HOST;
  const simulator = createSimulator({
    controlRoutes: true,
    hourlyLimit: readInteger('SIMULATOR_HOURLY_LIMIT', undefined, Number.MAX_SAFE_INTEGER),
    tokens: readTokens(),
  });

  // Handlers go in before the URL is printed, so a supervisor that signals as soon as it reads
  // the line still gets a clean exit.
  const stop = () => {
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Failed to close the simulator: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  const url = await simulator.listen(port, host);
  process.stdout.write(`Northflank API simulator listening on ${url}\n`);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Failed to start the simulator: ${message}\n`);
  process.exitCode = 1;
});
