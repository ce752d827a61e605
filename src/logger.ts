import { pino } from 'pino';

/** The logging surface the gateway uses; a pino logger satisfies it. */
export type Logger = Pick<pino.Logger, 'debug' | 'info' | 'warn' | 'error' | 'child'>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * Paths that could hold a credential in anything the gateway logs. Tokens should never reach a
 * log call at all; this is the second line of defence.
 */
const REDACTED_PATHS = [
  'authorization',
  'token',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  '*.authorization',
  '*.token',
];

/**
 * Creates the JSON logger, with credential redaction. Lines go to stdout unless `destination` is
 * given.
 */
export function createLogger(
  level: LogLevel = 'info',
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'northflank-graphql-gateway' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** Creates a logger that drops everything, for tests and embedders that log elsewhere. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
