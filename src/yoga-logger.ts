import type { YogaLogger } from 'graphql-yoga';
import type { Logger } from './logger.js';

/** Adapts the gateway's pino logger to Yoga's console-like logger interface. */
export function toYogaLogger(logger: Logger): YogaLogger {
  const forward =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      if (first instanceof Error) {
        logger[level]({ err: first }, 'GraphQL server error');
        return;
      }
      logger[level]({ details: rest.length > 0 ? rest : undefined }, String(first));
    };

  return {
    debug: forward('debug'),
    info: forward('info'),
    warn: forward('warn'),
    error: forward('error'),
  };
}
