import { createLogger, type Logger } from '../../src/logger.js';

export interface CapturedLogs {
  logger: Logger;
  /** Every line written so far, parsed. */
  entries(): Array<Record<string, unknown> & { level: number; msg?: string }>;
  /** Every line written so far, raw, for "never contains" checks. */
  text(): string;
}

/** Creates a debug-level logger that keeps its JSON lines in memory. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });

  return {
    logger,
    entries: () => lines.map((line) => JSON.parse(line)),
    text: () => lines.join(''),
  };
}

export const LOG_LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;
