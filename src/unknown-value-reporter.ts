import type { Logger } from './logger.js';

/**
 * Logs a warning the first time each unexpected upstream value is seen, remembering at most
 * `maxRemembered` values (oldest forgotten first) so that a stream of new values cannot grow
 * memory without bound.
 */
export class UnknownValueReporter {
  private readonly seen = new Set<string>();

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly maxRemembered = 100,
  ) {}

  report(value: string): void {
    if (this.seen.has(value)) return;

    if (this.seen.size >= this.maxRemembered) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.seen.add(value);
    this.logger.warn({ value: value.slice(0, 100) }, `Unknown ${this.what} from Northflank`);
  }
}
