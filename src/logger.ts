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
 * given. Stdout is written synchronously: pino's asynchronous default retries a broken pipe
 * forever when it flushes at exit, which would hang shutdown when the log reader has gone.
 */
export function createLogger(
  level: LogLevel = 'info',
  destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true }),
): Logger {
  return pino(
    {
      level,
      base: { service: 'northflank-graphql-gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

/** Creates a logger that drops everything, for tests and embedders that log elsewhere. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
