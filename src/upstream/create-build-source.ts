import { ActiveTimers } from '../active-timers.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { NorthflankClient } from '../northflank/client.js';
import { BuildCache } from './build-cache.js';
import { BuildSource } from './build-source.js';
import { RateLimitBudgets } from './rate-limit-budgets.js';
import { UpstreamPolicy } from './upstream-policy.js';

export type UpstreamConfig = Pick<
  Config,
  | 'northflankApiUrl'
  | 'northflankTeamId'
  | 'northflankTimeoutMs'
  | 'northflankRetries'
  | 'northflankRetryBaseMs'
  | 'northflankMaxConnections'
  | 'northflankMaxQueue'
  | 'northflankMaxResponseBytes'
  | 'breakerThreshold'
  | 'breakerCooldownMs'
  | 'cacheTtlMs'
  | 'runningCacheTtlMs'
  | 'notFoundCacheTtlMs'
  | 'cacheMaxEntries'
  | 'rateLimitReserve'
  | 'lowBudgetRunningTtlMs'
  | 'proxy'
>;

/** Maximum backoff step between retries. */
const RETRY_CAP_MS = 1000;

/** Wires the REST client, the resilience policy, the cache and the rate-limit budgets together. */
export function createBuildSource(
  config: UpstreamConfig,
  logger: Logger,
  random: () => number = Math.random,
): { source: BuildSource; close(): Promise<void> } {
  const timers = new ActiveTimers();
  const client = new NorthflankClient({
    apiUrl: config.northflankApiUrl,
    teamId: config.northflankTeamId,
    timeoutMs: config.northflankTimeoutMs,
    maxResponseBytes: config.northflankMaxResponseBytes,
    maxConnections: config.northflankMaxConnections,
    proxy: config.proxy,
    timers,
    logger,
  });
  const policy = new UpstreamPolicy({
    retries: config.northflankRetries,
    retryBaseMs: config.northflankRetryBaseMs,
    retryCapMs: RETRY_CAP_MS,
    maxConcurrent: config.northflankMaxConnections,
    maxQueued: config.northflankMaxQueue,
    breakerThreshold: config.breakerThreshold,
    breakerCooldownMs: config.breakerCooldownMs,
    random,
    logger,
  });
  const cache = new BuildCache({
    concludedTtlMs: config.cacheTtlMs,
    runningTtlMs: config.runningCacheTtlMs,
    lowBudgetRunningTtlMs: config.lowBudgetRunningTtlMs,
    notFoundTtlMs: config.notFoundCacheTtlMs,
    maxEntries: config.cacheMaxEntries,
  });
  const budgets = new RateLimitBudgets(config.rateLimitReserve, logger);

  const source = new BuildSource({ client, policy, cache, budgets, timers });
  return { source, close: () => client.close() };
}
