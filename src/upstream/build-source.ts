import type { ActiveTimers } from '../active-timers.js';
import { ErrorCode, GatewayError, isGatewayError } from '../errors.js';
import type { Build, BuildKey } from '../northflank/build.js';
import type { NorthflankClient, PoolStats } from '../northflank/client.js';
import type { BuildCache } from './build-cache.js';
import type { HashedCredential } from './credential.js';
import { InFlightCalls, type SharedCall, type Waiter } from './in-flight-calls.js';
import type { RateLimitBudgets } from './rate-limit-budgets.js';
import type { UpstreamPolicy } from './upstream-policy.js';

/** Counters of work still pending, which must all be zero once traffic has passed. */
export interface UpstreamStats {
  inFlightCalls: number;
  pendingTimers: number;
  pool: PoolStats;
  cachedEntries: number;
}

export interface BuildSourceParts {
  client: NorthflankClient;
  policy: UpstreamPolicy;
  cache: BuildCache;
  budgets: RateLimitBudgets;
  timers: ActiveTimers;
}

/**
 * Source of builds for resolvers: the cache first, then one shared upstream call per path and
 * credential, run under the retry, breaker and bulkhead policy.
 */
export class BuildSource {
  private readonly inFlight: InFlightCalls<Build>;

  constructor(private readonly parts: BuildSourceParts) {
    this.inFlight = new InFlightCalls(parts.timers);
  }

  async get(key: BuildKey, credential: HashedCredential, waiter: Waiter): Promise<Build> {
    const cacheKey = `${credential.hash} ${this.parts.client.buildPath(key)}`;
    const cached = this.parts.cache.get(cacheKey, this.parts.budgets.isLow(credential.hash));

    if (cached?.kind === 'build') return cached.build;
    if (cached?.kind === 'not-found') {
      throw new GatewayError(ErrorCode.NOT_FOUND, cached.message, { upstreamStatus: 404 });
    }
    return this.inFlight.join(cacheKey, waiter, (call) =>
      this.fetch(key, credential, cacheKey, call),
    );
  }

  stats(): UpstreamStats {
    return {
      inFlightCalls: this.inFlight.size,
      pendingTimers: this.parts.timers.size,
      pool: this.parts.client.poolStats(),
      cachedEntries: this.parts.cache.size,
    };
  }

  private async fetch(
    key: BuildKey,
    credential: HashedCredential,
    cacheKey: string,
    call: SharedCall,
  ): Promise<Build> {
    const { client, policy, cache, budgets } = this.parts;

    try {
      const build = await policy.execute(call, (attempt) =>
        client.getServiceBuild(key, credential.token, {
          signal: attempt.signal,
          deadline: attempt.deadline,
          onRateLimit: (headers) => budgets.record(credential.hash, headers),
        }),
      );
      cache.storeBuild(cacheKey, build);
      return build;
    } catch (error) {
      if (isGatewayError(error) && error.code === ErrorCode.NOT_FOUND) {
        cache.storeNotFound(cacheKey, error.message);
      }
      throw error;
    }
  }
}
