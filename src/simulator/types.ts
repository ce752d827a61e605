import type { RecordedCall } from './call-log.js';
import type { FaultRule } from './faults.js';

/** Options of `createSimulator`. */
export interface SimulatorOptions {
  /**
   * Clock in ms since the Unix epoch. It drives rate-limit windows, the progressing build and the
   * time of recorded calls, but not the delays of faults, which run on real timers.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Requests allowed per token in each hourly window. 0 turns rate limiting off, and the
   * `x-ratelimit-*` headers are then omitted.
   * @default 1000
   */
  hourlyLimit?: number;
  /**
   * Bearer tokens that are accepted; others get 401. An empty list rejects every token.
   * @default any well-formed, non-empty bearer token
   */
  tokens?: readonly string[];
  /**
   * Serves `POST /__simulator/faults`, `DELETE /__simulator/faults`, `GET /__simulator/calls` and
   * `DELETE /__simulator/calls`. Without it these paths are plain 404s.
   * @default false
   */
  controlRoutes?: boolean;
}

/** A simulated Northflank REST API on `node:http`. */
export interface Simulator {
  /**
   * Starts listening and resolves the base URL, such as `http://127.0.0.1:34567`.
   * @param port @default 0, a free port
   * @param host @default '127.0.0.1'
   */
  listen(port?: number, host?: string): Promise<string>;
  /** The base URL; throws when the simulator is not listening. */
  readonly url: string;
  /**
   * Stops listening and destroys every connection, idle, in flight or hanging, so no client and
   * no test waits on the simulator. Pending fault delays are cancelled.
   */
  close(): Promise<void>;
  /** Adds a fault rule after the existing ones; throws a TypeError when the rule is invalid. */
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /**
   * Serves `payload` as-is in `{"data": payload}` for this build, whatever its fields, so tests
   * can send wrong types, a wrong id or unknown properties. Throws a TypeError for ids that are
   * not well-formed.
   */
  setBuild(
    projectId: string,
    serviceId: string,
    buildId: string,
    payload: Record<string, unknown>,
  ): void;
  /** Makes the build not found (404), whether it was set, seeded or would be generated. */
  deleteBuild(projectId: string, serviceId: string, buildId: string): void;
  /** Recorded requests, oldest first, except those to the control routes. */
  readonly calls: readonly RecordedCall[];
  /** Returns the number of recorded calls, or of those whose raw path equals `path`. */
  callCount(path?: string): number;
  /** Returns the maximum number of requests in flight at once, overall or for that raw path. */
  maxInFlight(path?: string): number;
  /** Clears calls and counts, and restarts the in-flight maxima. */
  resetCalls(): void;
}
